"""Attachments over HTTP: upload by the customer (its key) and the employee (its sign-in), each
refusal's code, the signed links (good, expired, altered, for another file), metadata stripped,
and the S3 store against moto's in-process fake."""

from __future__ import annotations

import io
import re

import boto3
import pytest
from moto import mock_aws
from PIL import Image

from matchmaker.models import Attachment, Message
from tests.attachment_files import GPS, jpeg_with_gps, pdf, png
from tests.web.conftest import ask, csrf_token, events, login
from tests.web.test_handovers import sales_chat  # noqa: F401
from tests.web.test_invite import team_chat  # noqa: F401
from web.attachment_stores import S3Store

EMP, CUS = "/employee", "/customer"


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    return {"attachments_dir": str(tmp_path / "attachments")}


def customer_upload(client, asked, data: bytes, name="photo.png", client_id=None, token=None):
    form = {"file": (io.BytesIO(data), name)}
    if client_id:
        form["client_id"] = client_id
    return client.post(f"/api/v1/conversations/{asked['id']}/attachments", data=form,
                       headers={"Authorization": f"Bearer {token or asked['token']}"},
                       content_type="multipart/form-data")


@pytest.fixture
def dev_http(app):
    """Dana's signed-in HTTP client and the console page's CSRF token."""
    http = app.test_client()
    assert login(http, "dev@example.test").status_code == 302
    return http, csrf_token(http.get("/console/").get_data(as_text=True))


def employee_upload(dev_http, conversation_id, data: bytes, name="offer.pdf", csrf=True):
    http, token = dev_http
    return http.post(f"/console/conversations/{conversation_id}/attachments",
                     data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                     headers={"X-CSRFToken": token} if csrf else {})


def test_a_customers_image_reaches_the_employee_with_a_link_that_serves_it(app, chat):
    dev, widget, asked = chat
    response = customer_upload(app.test_client(), asked, png(), client_id="a1")
    assert response.status_code == 201, response.get_json()
    message = response.get_json()["message"]
    assert message["body"] == "photo.png" and message["author"] == "customer"
    said = events(dev, EMP, "said")[-1]
    assert said["seq"] == message["seq"]
    attachment = said["attachment"]
    assert attachment["content_type"] == "image/png" and attachment["image"]
    assert (attachment["width"], attachment["height"]) == (8, 6)
    served = app.test_client().get(attachment["url"])
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "private" in served.headers["Cache-Control"]
    assert Image.open(io.BytesIO(served.data)).size == (8, 6)


def test_an_employees_pdf_reaches_the_customer_as_a_download(app, chat, dev_http):
    dev, widget, asked = chat
    response = employee_upload(dev_http, asked["id"], pdf())
    assert response.status_code == 201, response.get_json()
    said = events(widget, CUS, "said")[-1]
    assert said["author"] == "employee" and said["body"] == "offer.pdf"
    assert said["attachment"]["content_type"] == "application/pdf"
    assert not said["attachment"]["image"]
    served = app.test_client().get(said["attachment"]["url"])
    assert served.status_code == 200 and served.data == pdf()  # a PDF is stored as it is
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_sync_carries_the_attachment_with_a_fresh_link(app, chat):
    dev, widget, asked = chat
    customer_upload(app.test_client(), asked, png())
    ack = widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True)
    carried = [m for m in ack["messages"] if "attachment" in m]
    assert [m["attachment"]["name"] for m in carried] == ["photo.png"]
    console_ack = dev.emit("sync", {"conversation_id": asked["id"], "after_seq": 0},
                           namespace=EMP, callback=True)
    assert [m["attachment"]["name"] for m in console_ack["messages"] if "attachment" in m] \
        == ["photo.png"]
    assert app.test_client().get(carried[0]["attachment"]["url"]).status_code == 200


def test_exif_gps_and_comments_are_stripped_and_orientation_applied(app, chat, svc):
    dev, widget, asked = chat
    response = customer_upload(app.test_client(), asked, jpeg_with_gps((40, 20), orientation=6),
                               name="IMG_0001.JPG")
    attachment = events(dev, EMP, "said")[-1]["attachment"]
    assert attachment["name"] == "IMG_0001.jpg"
    stored = app.test_client().get(attachment["url"]).data
    image = Image.open(io.BytesIO(stored))
    assert image.size == (20, 40)  # turned upright, then the orientation tag dropped
    assert dict(image.getexif()) == {} and image.getexif().get_ifd(GPS) == {}
    assert b"SpyCam" not in stored and b"home address" not in stored
    assert "exif" not in image.info and "comment" not in image.info
    assert response.status_code == 201


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"<html><script>alert(1)</script></html>", "photo.png", "attachment_type"),
    (b"MZ\x90\x00" + b"\x00" * 200, "report.pdf", "attachment_type"),
    (png()[:45], "broken.png", "attachment_unreadable"),  # a PNG cut short
    (b"", "empty.png", "attachment_empty"),
])
def test_a_file_of_the_wrong_type_is_refused_with_its_code(app, chat, svc, data, name, code):
    dev, widget, asked = chat
    response = customer_upload(app.test_client(), asked, data, name=name)
    assert response.status_code == 400
    assert response.get_json()["error"] == code
    assert events(dev, EMP, "said") == []
    with svc.transaction() as session:
        assert session.query(Attachment).count() == 0


def test_the_type_comes_from_the_bytes_not_the_name(app, chat):
    dev, widget, asked = chat
    response = customer_upload(app.test_client(), asked, pdf(), name="holiday.png")
    attachment = events(dev, EMP, "said")[-1]["attachment"]
    assert attachment["content_type"] == "application/pdf"
    assert response.get_json()["message"]["body"] == "holiday.pdf"


def test_a_file_over_10_mb_is_refused_before_it_is_read(app, chat, svc):
    dev, widget, asked = chat
    too_big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    response = customer_upload(app.test_client(), asked, too_big, name="big.pdf")
    assert response.status_code == 413
    assert response.get_json()["error"] == "attachment_too_large"
    response = customer_upload(
        app.test_client(), asked, b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 9), name="ok.pdf")
    assert response.status_code == 201, response.get_json()  # exactly 10 MB passes


def test_the_size_is_refused_from_content_length_alone(app, chat):
    dev, widget, asked = chat
    response = app.test_client().post(
        f"/api/v1/conversations/{asked['id']}/attachments", data=b"x",
        headers={"Authorization": f"Bearer {asked['token']}",
                 "Content-Type": "multipart/form-data; boundary=x"},
        environ_overrides={"CONTENT_LENGTH": "99999999"})  # claimed, never sent
    assert response.status_code == 413
    assert response.get_json()["error"] == "attachment_too_large"


def test_a_key_for_another_conversation_attaches_nothing(app, chat):
    dev, widget, asked = chat
    other = ask(app.test_client(), "Can I pay by invoice?")
    response = customer_upload(app.test_client(), asked, png(), token=other["token"])
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthenticated"
    assert customer_upload(app.test_client(), {**asked, "token": ""}, png()).status_code == 401


def test_nobody_attaches_to_a_closed_conversation(app, chat, dev_http):
    dev, widget, asked = chat
    widget.emit("close", {}, namespace=CUS, callback=True)
    response = customer_upload(app.test_client(), asked, png())
    assert (response.status_code, response.get_json()["error"]) == (409, "conversation_closed")
    response = employee_upload(dev_http, asked["id"], pdf())
    assert (response.status_code, response.get_json()["error"]) == (409, "conversation_closed")


def test_only_the_employee_who_has_it_attaches(app, chat):
    dev, widget, asked = chat
    sales = app.test_client()
    assert login(sales, "sales@example.test").status_code == 302
    token = csrf_token(sales.get("/console/").get_data(as_text=True))
    response = employee_upload((sales, token), asked["id"], pdf())
    assert response.status_code == 404  # not theirs to see, so not theirs to attach to


def test_the_console_upload_needs_its_csrf_token(app, chat, dev_http):
    dev, widget, asked = chat
    response = employee_upload(dev_http, asked["id"], pdf(), csrf=False)
    assert (response.status_code, response.get_json()["error"]) == (400, "csrf")


def test_a_resent_upload_stores_one_message(app, chat, svc):
    dev, widget, asked = chat
    first = customer_upload(app.test_client(), asked, png(), client_id="same")
    again = customer_upload(app.test_client(), asked, png(), client_id="same")
    assert first.get_json()["message"]["seq"] == again.get_json()["message"]["seq"]
    with svc.transaction() as session:
        assert session.query(Attachment).count() == 1
    assert len(list((svc.attachment_store.root).rglob("*.png"))) == 1  # the retry's bytes went


def test_an_expired_link_says_so(app, chat, clock):
    dev, widget, asked = chat
    customer_upload(app.test_client(), asked, png())
    url = events(dev, EMP, "said")[-1]["attachment"]["url"]
    clock.advance(14 * 60)
    assert app.test_client().get(url).status_code == 200
    clock.advance(61)
    response = app.test_client().get(url)
    assert (response.status_code, response.get_json()["error"]) == (410, "attachment_link_expired")


def test_an_altered_link_or_one_for_another_file_opens_nothing(app, chat, customer):
    dev, widget, asked = chat
    customer_upload(app.test_client(), asked, png())
    mine = events(dev, EMP, "said")[-1]["attachment"]
    other = ask(app.test_client(), "Can I pay by invoice?")
    customer_upload(app.test_client(), other, png(), name="theirs.png")
    theirs_id = mine["id"] + 1
    base, token = mine["url"].rsplit("/", 1)
    for url in (f"{base}/{token[:-2]}xx", f"/api/v1/attachments/{theirs_id}/{token}",
                f"{base}/not-a-token"):
        response = app.test_client().get(url)
        assert (response.status_code, response.get_json()["error"]) == \
            (404, "attachment_not_found"), url


def test_attachments_are_rate_limited(app_overrides, database_url, encoder, clock, tmp_path):
    from tests.web.conftest import GENEROUS_LIMITS
    from web import create_app

    app = create_app({"database_url": database_url, "secret_key": "test", "min_score": 0.05,
                      **GENEROUS_LIMITS, **app_overrides, "limit_attachments": "2 per minute"},
                     encoder=encoder, clock=clock)
    asked = ask(app.test_client())
    for _ in range(5):  # strangers without the key use up nothing of the conversation's allowance
        assert customer_upload(app.test_client(), asked, png(), token="wrong").status_code == 401
    codes = [customer_upload(app.test_client(), asked, png()).status_code for _ in range(2)]
    refused = customer_upload(app.test_client(), asked, png())
    assert codes == [201, 201] and refused.status_code == 429
    assert refused.get_json()["error"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    app.extensions["matchmaker"].engine.dispose()


@mock_aws
def test_the_s3_store_keeps_gets_and_deletes():
    client = boto3.client("s3", region_name="eu-west-1")
    client.create_bucket(Bucket="files",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    store = S3Store("files", region="eu-west-1", prefix="mm/")
    store.put("7/abc.png", b"bytes", "image/png")
    head = client.head_object(Bucket="files", Key="mm/7/abc.png")
    assert head["ContentType"] == "image/png"
    assert store.get("7/abc.png") == b"bytes"
    store.delete("7/abc.png")
    with pytest.raises(KeyError):
        store.get("7/abc.png")
    store.delete("7/abc.png")  # gone already: fine
    with pytest.raises(ValueError):
        store.put("../etc/passwd", b"", "image/png")


@mock_aws
def test_an_upload_lands_in_s3_when_a_bucket_is_configured(
        database_url, encoder, clock, monkeypatch):
    from tests.web.conftest import GENEROUS_LIMITS
    from web import create_app

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="chat-files")
    app = create_app({"database_url": database_url, "secret_key": "test", "min_score": 0.05,
                      **GENEROUS_LIMITS, "attachments_s3_bucket": "chat-files",
                      "check_answers": True}, encoder=encoder, clock=clock)
    asked = ask(app.test_client())
    response = customer_upload(app.test_client(), asked, png())
    assert response.status_code == 201, response.get_json()
    svc = app.extensions["matchmaker"]
    with svc.transaction() as session:
        key = session.query(Attachment).one().storage_key
        message = session.get(Message, session.query(Attachment).one().message_id)
        assert message.body == "photo.png"
    listed = boto3.client("s3").list_objects_v2(Bucket="chat-files")["Contents"]
    assert [item["Key"] for item in listed] == [key]
    svc.engine.dispose()


def test_marketing_reads_the_file_in_the_transcript(app, chat):
    dev, widget, asked = chat
    customer_upload(app.test_client(), asked, png(), name="diagram.png")
    http = app.test_client()
    assert login(http, "marketing@example.test").status_code == 302
    page = http.get(f"/marketing/conversations/{asked['id']}").get_data(as_text=True)
    found = re.search(r'<img class="mm-thumb" src="([^"]+)" alt="diagram.png"', page)
    assert found, page
    assert app.test_client().get(found.group(1).replace("&amp;", "&")).status_code == 200


def test_a_colleague_invited_in_attaches_and_everyone_in_the_chat_gets_files_live(
        app, team_chat, dev_http):  # noqa: F811
    sam, widget, asked, dana, sue = team_chat  # Dana (dev) was invited into Sam's sales chat
    response = employee_upload(dev_http, asked["id"], pdf(), name="webhooks.pdf")
    assert response.status_code == 201, response.get_json()
    sent = response.get_json()["message"]
    assert (sent["author"], sent["employee_name"]) == ("employee", "Dana Dev")
    # an upload has no socket to skip: her own consoles get it too (they keep one per seq)
    for client, namespace in ((sam, EMP), (widget, CUS), (dana, EMP)):
        [said] = events(client, namespace, "said")
        assert (said["seq"], said["attachment"]["name"]) == (sent["seq"], "webhooks.pdf")
    assert events(sue, EMP, "said") == []  # not in the chat
    assert customer_upload(app.test_client(), asked, png()).status_code == 201
    for client in (sam, dana):
        [said] = events(client, EMP, "said")
        assert said["author"] == "customer" and said["attachment"]["content_type"] == "image/png"
