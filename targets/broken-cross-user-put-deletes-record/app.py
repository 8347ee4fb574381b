"""broken-cross-user-put-deletes-record: a refused cross-user PUT deletes the victim's profile.

Planted defect: profiles and credentials live in two tables. PUT validates the body,
then replaces the profile the way the data layer makes easy, as a delete followed by an
insert, and the ownership check was moved into the repository's insert ("the data layer
enforces who writes a row"). The delete has no such check and the pair runs without a
transaction: a non-owner's PUT with a valid body deletes the victim's profile, then the
insert refuses with a correct 403. The victim still logs in (its credentials are in the
other table), but GET /users/<victim> and /profile?username=<victim> answer 404 from then
on, until the owner or an admin PUTs a new profile. Only reading the record back shows it.
Must fail: AUTHZ-02 (a refused write changed the record: it vanished); AUTHZ-03 and
AUTHZ-04, which send the same cross-user PUT with identity claims and through path
variants that route to the record; MODEL-01 (cross-user writes).
"""

import os

from flask import jsonify, request
from werkzeug.exceptions import Forbidden, NotFound

from baip_reference import app as reference
from baip_reference import basic_auth, policy, validation
from baip_reference.users import UserStore


class SplitStore(UserStore):
    """Credentials and profiles as two tables: a user without a profile still logs in."""

    def __init__(self, users):
        super().__init__(users)
        self._without_profile = set()

    def get(self, username):  # the profile table: what reads and writes look up
        return None if username in self._without_profile else super().get(username)

    def credentials(self, username):  # the credentials table: what login looks up
        return super().get(username)

    def delete_profile(self, username):
        if self.credentials(username) is not None:  # deleting a missing row is a no-op
            self._without_profile.add(username)

    def insert_profile(self, actor, username, changes):
        # The reference's order: 403 before 404, so refusals do not reveal which users exist.
        if not policy.allowed(actor, policy.REPLACE_USER, username):
            raise Forbidden("You may not access this record.")
        if self.credentials(username) is None:
            raise NotFound("No such user.")
        self._without_profile.discard(username)
        return self.update(username, changes)


@reference.authenticated
def replace_user(actor, username):
    store = reference.store()
    changes = validation.validate_update(validation.read_json_body(request), replace=True)
    store.delete_profile(username)  # DEFECT: deleted before the ownership check (in the insert)
    return jsonify(store.insert_profile(actor, username, changes).public_record())


def find_user(store, username):
    return store.credentials(username)


def create_app():
    users_file = os.environ.get("BAIP_USERS_FILE", reference.DEFAULT_USERS_FILE)
    app = reference.create_app(SplitStore.from_file(users_file))
    app.view_functions["api.replace_user"] = replace_user
    return app


basic_auth.find_user = find_user
