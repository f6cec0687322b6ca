"""The setup screen: the assembly, its eligibility rules and quorum."""
