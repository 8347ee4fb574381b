"""broken-blog-delete-any-post: any authenticated user deletes any post.

The story: when reads were opened to every user, the rules table was edited row by row
and the delete row got the read row's audience. PUT and PATCH stay author-or-editor.
Must fail: AUTHZ-02 (a non-owner's delete succeeds and the post is gone); AUTHZ-03 and
AUTHZ-04, since the delete succeeds as well with identity claims added and through the
percent-encoded path; MODEL-01 (cross-user deletes in its sequences).
"""

from blog_app import access, web

access.RULES[access.DELETE] = access.AUTHENTICATED  # DEFECT: owner-or-privileged


def create_app():
    return web.create_app()
