"""Project briefs for promising calls: context from the store, rendered to Markdown, HTML and DOCX."""

from reports.briefs.draft import DraftedBrief, draft_briefs

__all__ = ["DraftedBrief", "draft_briefs"]
