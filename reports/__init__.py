"""What people receive: the weekly digests (workbook, e-mail, outbox, feedback) and draft briefs.

Reads the store (calls, matches, firms) through the core's models; never imports the crawlers.
"""
