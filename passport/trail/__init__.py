"""The append-only records every feature writes: the audit trail of writes that matter and
the board access log. This package imports no feature; every feature may import it."""
