"""Evaluating licensees against their board's requirement set with the database: the
credit reads and measure sums that feed the pure engine in ``passport.requirements``, and
the kept standings with their refresh. Used by the physician's transcript, the PDF and the
board's audit alike; it imports none of them."""
