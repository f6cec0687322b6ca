"""The status screen: quorum and counts at a glance, for the chair and the desks."""
