"""The files a page offers for download, and who may fetch each one by its address.

Every download goes through `offer_download`: the file is built only when the button is
clicked (Streamlit's deferred data), and the address Streamlit then serves it at
(`/media/<id>.<ext>`) is granted to the signed-in user who clicked. The server's media
guard (`dashboard/ui/server.py`) lets a `/media/` request through only with a session
cookie whose user holds that grant: a copied address fails without the cookie, and with
another person's (a recused juror's, say).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.memory_media_file_storage import _calculate_file_id

from dashboard.core.documents import PDF_MIME
from dashboard.core.text import md
from dashboard.store.access import Actor

# The most recent grants kept (a grant outlives its file: Streamlit drops files no session shows).
GRANTS_KEPT = 2_000
_grants: OrderedDict[str, set[str]] = OrderedDict()  # media file id -> logins
_grants_guard = threading.Lock()


def grant(login: str, file_id: str) -> None:
    """`login` may fetch the media file `file_id`."""
    with _grants_guard:
        _grants.setdefault(file_id, set()).add(login)
        _grants.move_to_end(file_id)
        while len(_grants) > GRANTS_KEPT:
            _grants.popitem(last=False)


def granted(login: str, file_id: str) -> bool:
    with _grants_guard:
        return login in _grants.get(file_id, ())


def media_file_id(path: str) -> str:
    """The file id in a media address: `/media/<id>.<ext>` -> `<id>`."""
    name = path.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def _granting(actor: Actor, build: Callable[[], bytes], file_name: str, mime: str) -> Callable[[], bytes]:
    """`build`, and once it has built the file, its address granted to `actor` (Streamlit names
    the stored file by this digest of its bytes, type and name)."""
    def built() -> bytes:
        data = build()
        grant(actor.login, _calculate_file_id(data, mime, file_name))
        return data
    return built


def offer_download(actor: Actor, label: str, build: Callable[[], bytes], *, file_name: str, mime: str,
                   key: str, primary: bool = False, icon: str | None = None) -> None:
    """A download button whose file `build()` makes when clicked, fetchable by `actor` only."""
    st.download_button(md(label), data=_granting(actor, build, file_name, mime), file_name=file_name, mime=mime,
                       key=key, on_click="ignore", type="primary" if primary else "secondary", icon=icon)



def show_pdf(actor: Actor, data: bytes, *, key: str, alt: str, height: int = 720) -> None:
    """A PDF read in the page (`st.pdf`), its address granted to `actor` only: the viewer fetches
    it from `/media/<id>.pdf`, named by the digest of its bytes and type, as any download."""
    grant(actor.login, _calculate_file_id(data, PDF_MIME))
    st.pdf(data, height=height, key=key, alt=alt)
