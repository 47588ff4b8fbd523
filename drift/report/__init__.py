"""What people read: the stakeholder summary, the HTML and Markdown reports, their charts and palette."""
