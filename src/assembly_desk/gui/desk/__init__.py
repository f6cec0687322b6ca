"""The desk screen: one field for scans and search, the answer banner, undo, walk-ins,
the camera. Its rules (what Enter does, the offline queue) are in services.facade.desk.
"""
