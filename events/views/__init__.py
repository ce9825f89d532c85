"""Staff and OPD head pages; who may do what is decided in events/access.py."""
