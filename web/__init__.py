"""The review web app: the working group reads, comments on and decides about draft briefs."""
