"""The one set of lxml options every uploaded XML is parsed with, imported by each reader
(the Passport XML batch, the parts of an .xlsx) so that none can forget one."""

# No DTD loaded, no entity expanded, no network, no huge-tree escape from libxml2's limits.
SAFE_XML_PARSING = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
