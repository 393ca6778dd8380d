"""Matching: calls into smart-city domains, and each firm to the calls it may apply for and that fit it.

taxonomy, normalise -> classify (domains with evidence) -> profiles (firm entries, call profiles)
-> eligibility (may it apply?) and features / scoring (does the topic fit?) -> ranking and reasons;
files.py runs it on notice files, store.py on the store. Imports only the core (fundscout).
"""
