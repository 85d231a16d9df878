"""The step every Trakt test starts from: a user linked to the fake Trakt's account by the device flow."""

from accounts.models import User
from integrations.models import TraktConnection
from integrations.trakt import trakt_connect, trakt_status
from tests.fakes.trakt import FakeTrakt


def connected(user: User, fake: FakeTrakt, *, push: bool = True) -> TraktConnection:
    """`user` linked to the fake's account through the device flow, as the user would do it."""
    trakt_connect(user=user, push=push)
    fake.approve()
    connection = trakt_status(user=user)
    assert connection is not None and connection.state == TraktConnection.State.CONNECTED
    return connection
