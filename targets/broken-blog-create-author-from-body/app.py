"""broken-blog-create-author-from-body: POST /posts takes its author from the body.

The story: editors wanted to file guest posts under another writer's name, so
`author` became an optional key of the create body, defaulting to the caller. The check
that only editors may name someone else was never written, so any user publishes
posts as any other user. Updates still refuse `author`.
Must fail: AUTHZ-08 (a record owned by another identity), INPUT-01 (a key outside the
writable fields is accepted).
"""

from blog_app import fields, web


def new_post_values(actor, body):
    named = body.pop("author", None) if isinstance(body, dict) else None
    values = fields.validate(body, complete=True)
    values["author"] = named if isinstance(named, str) and named else actor.username  # DEFECT
    return values


web.new_post_values = new_post_values


def create_app():
    return web.create_app()
