"""broken-blog-list-author-filter: a filtered GET /posts shows everyone's draft_notes.

The story: filters were added to the list for the author dashboard (?author=me,
?status=draft). The filtered branch was written with the dashboard in mind, where
every post is the caller's own, and renders posts whole. Any query parameter at all
takes that branch (unknown ones filter nothing), so ?author=V, ?owner=V or ?all=1
returns V's private notes. The plain list stays correct.
Must fail: AUTHZ-07.
"""

from flask import Response, jsonify, request

from blog_app import access, web
from blog_app.accounts import Account

FILTERS = ("author", "status")


def list_posts(actor: Account) -> Response:
    if not request.args:
        return web.list_posts.__wrapped__(actor)
    web.authorize(actor, access.LIST, None)
    wanted = {key: value for key, value in request.args.items() if key in FILTERS}
    shown = {
        str(post.id): post.record(private=True)  # DEFECT: not access.sees_private(...)
        for post in web.store().all()
        if all(getattr(post, key) == value for key, value in wanted.items())
    }
    return jsonify(posts=shown)


def create_app():
    app = web.create_app()
    app.view_functions["blog.list_posts"] = web.signed_in(list_posts)
    return app
