"""broken-blog-private-field-in-read: GET /posts/<id> shows draft_notes to every user.

The story: the single-post endpoint was written for the editing screen, which only the
author ever opened, so it serialised the whole post. When the page became public among
users, nobody noticed that the API answer still carries the author's private notes;
the list, written later, hides them correctly.
Must fail: AUTHZ-01 (another user's private field in a read of a readable record).
"""

from flask import Response, jsonify

from blog_app import access, web
from blog_app.accounts import Account


def read_post(actor: Account, post_id: int) -> Response:
    post = web.find_post(post_id)
    web.authorize(actor, access.READ, post)
    return jsonify(post=post.record(private=True))  # DEFECT: not access.sees_private(...)


def create_app():
    app = web.create_app()
    app.view_functions["blog.read_post"] = web.signed_in(read_post)
    return app
