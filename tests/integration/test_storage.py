"""Packets in shared object storage: an S3-compatible HTTP server started here
(moto's standalone server; MinIO in production), reached through Django's
storage API exactly as production reaches S3 or MinIO (STORAGE_URL).

- a packet is written to the bucket and served only through the
  permission-checked view;
- no shared disk is assumed: a worker with its own empty MEDIA_ROOT builds a
  packet that the web process, with another empty MEDIA_ROOT, then serves.
"""

import subprocess
import sys
from datetime import timedelta

import boto3
import pytest
from django.test import Client
from django.urls import reverse

from csoprogram.lib import fiscal
from metrics.phillystat import packets
from metrics.phillystat.models import ReviewPacket
from tests.integration.conftest import wait_for
from tests.metrics.factories import MetricFactory, PhillyStatMeetingFactory, add_value
from tests.metrics.test_packets import build_everything
from tests.plans.factories import AreaOfFocusFactory, PlanFactory

pytestmark = pytest.mark.integration

S3_PORT = 18302
ENDPOINT = f"http://127.0.0.1:{S3_PORT}"
BUCKET = "cso-packets"
KEYS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
STORAGE_URL = f"s3://{BUCKET}/program?endpoint_url={ENDPOINT}&region=us-east-1"


@pytest.fixture(scope="module")
def s3_server():
    proc = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = boto3.client(
            "s3",
            endpoint_url=ENDPOINT,
            region_name="us-east-1",
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )

        def up():
            try:
                client.list_buckets()
                return True
            except Exception:  # noqa: BLE001 - not listening yet
                return False

        wait_for(up, timeout=30, what="the S3-compatible server to start")
        client.create_bucket(Bucket=BUCKET)
        yield client
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    """The web process (this test) stores through S3, as STORAGE_URL makes it."""
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "location": "program",
                "endpoint_url": ENDPOINT,
                "region_name": "us-east-1",
                "access_key": KEYS["AWS_ACCESS_KEY_ID"],
                "secret_key": KEYS["AWS_SECRET_ACCESS_KEY"],
                "addressing_style": "path",
                "default_acl": None,
            },
        },
    }
    return s3_server


def _objects(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _fleet_meeting(dept):
    area = AreaOfFocusFactory(plan=PlanFactory(department=dept, status="approved", with_area=False))
    metric = MetricFactory(department=dept, area_of_focus=area, name="Vehicle turnaround")
    add_value(metric, fiscal.last_completed_quarter().start, 24)
    return PhillyStatMeetingFactory(department=dept, date=fiscal.today() + timedelta(days=3))


def test_a_packet_is_kept_in_the_bucket_and_served_only_through_the_view(
    s3_storage, settings, tmp_path, dept_fleet, analyst_fleet, cso_streets
):
    settings.MEDIA_ROOT = tmp_path / "web-media"
    packet = packets.meeting_packet_request(meeting=_fleet_meeting(dept_fleet))
    build_everything()
    packet.refresh_from_db()
    assert packet.status == "ready", packet.error
    keys = _objects(s3_storage)
    assert f"program/{packet.file}" in keys
    assert any(k.startswith("program/packets/sections/") for k in keys)
    assert not (tmp_path / "web-media").exists()  # nothing on the web process's disk
    client = Client()
    client.force_login(analyst_fleet)
    response = client.get(reverse("metrics:packet_download", args=[packet.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    outsider = Client()
    outsider.force_login(cso_streets)
    assert outsider.get(reverse("metrics:packet_download", args=[packet.pk])).status_code == 404


def test_no_shared_disk_a_worker_with_its_own_media_root_builds_what_the_web_serves(
    s3_storage, settings, tmp_path, start_worker, dept_fleet, analyst_fleet
):
    web_media = tmp_path / "web-media"
    worker_media = tmp_path / "worker-media"
    worker_media.mkdir()
    settings.MEDIA_ROOT = web_media
    start_worker(MEDIA_ROOT=worker_media, STORAGE_URL=STORAGE_URL, **KEYS)
    packet = packets.meeting_packet_request(meeting=_fleet_meeting(dept_fleet), user=analyst_fleet)
    wait_for(
        lambda: ReviewPacket.objects.filter(pk=packet.pk, status__in=["ready", "failed"]).exists(),
        timeout=60,
        what="the worker to build the packet",
    )
    packet.refresh_from_db()
    assert packet.status == "ready", packet.error
    client = Client()
    client.force_login(analyst_fleet)
    response = client.get(reverse("metrics:packet_download", args=[packet.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert not [p for p in worker_media.rglob("*") if p.is_file()]
    assert not web_media.exists()
