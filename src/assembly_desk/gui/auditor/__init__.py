"""The auditors' window: open a signed bundle, verify it against trusted keys, and see
what was signed. What it shows is computed without Qt in services.bundle_review.
"""
