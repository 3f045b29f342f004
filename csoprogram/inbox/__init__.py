"""My work (/inbox/): what each person must do next, most urgent first.

selectors.inbox_for(user) asks every provider in providers.PROVIDERS (one
small function per kind of item) and sorts what they return. A new kind of
work is one more provider appended to that list.
"""
