"""Paper count entry: two volunteers enter each batch, the screen compares and resolves,
then commits. Keys and comparison logic are Qt-free where they can be.
"""
