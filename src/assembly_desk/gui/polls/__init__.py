"""The polls screen: contests, their options, and opening and closing polls with the
chair's passphrase.
"""
