"""The voting station (kiosk): a locked full-screen window where one voter at a time casts
a secret ballot. Its flow is a Qt-free state machine (state.py).
"""
