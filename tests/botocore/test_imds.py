#!/usr/bin/env python3
"""A real SDK against `ec2lab imds`: botocore's own IMDS classes as the client.

    target/pyenv/bin/python tests/botocore/test_imds.py target/debug/ec2lab

Each case starts `EC2LAB --seed 5 imds --port 0 [--hops N]` with a small setup script on stdin,
reads the URL from its start line, points botocore at it the way a user would
(AWS_EC2_METADATA_SERVICE_ENDPOINT, read through a botocore Session's config chain), and checks
what botocore's InstanceMetadataFetcher, InstanceMetadataRegionFetcher, IMDSRegionProvider and the
credential chain's 'iam-role' provider make of the answers. Plain python: exits non-zero on the
first failure, needs no test runner, no stdin and no network beyond 127.0.0.1.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time

import botocore
import botocore.credentials
import botocore.session
from botocore.utils import (
    IMDSRegionProvider,
    InstanceMetadataFetcher,
    InstanceMetadataRegionFetcher,
)

AL2023 = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
AMZN2 = "resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
START = "ec2lab imds: serving the instance metadata of "


def launch(image, extra=""):
    return f"aws ec2 run-instances --image-id {image} --instance-type t3.micro {extra}\n"


class Server:
    """One `ec2lab imds` process; stops it on exit."""

    def __init__(self, binary, script, args=()):
        self.proc = subprocess.Popen(
            [binary, "--seed", "5", "imds", "--port", "0", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.proc.stdin.write(script)
        self.proc.stdin.close()
        self.lines = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        seen = []
        deadline = time.monotonic() + 60
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise AssertionError(f"ec2lab imds printed no start line; stderr: {seen}")
            if line is None:
                raise AssertionError(f"ec2lab imds exited ({self.proc.wait()}); stderr: {seen}")
            if line.startswith(START):
                words = line[len(START):].split()
                self.instance = words[0]
                self.url = next(w for w in words if w.startswith("http://127.0.0.1:"))
                return
            seen.append(line)

    def _drain(self):
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def log(self):
        """The request log so far (one line per request)."""
        time.sleep(0.3)
        out = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return out
            if line is not None:
                out.append(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def session_for(url):
    """A botocore Session that finds the endpoint where users put it: the environment."""
    os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = url
    s = botocore.session.Session()
    got = s.get_config_variable("ec2_metadata_service_endpoint")
    check(got == url, f"botocore read the endpoint from the environment as {got!r}")
    return s


def imds_config(session):
    return {"ec2_metadata_service_endpoint": session.get_config_variable("ec2_metadata_service_endpoint")}


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def case(name):
    def wrap(fn):
        fn.case_name = name
        CASES.append(fn)
        return fn
    return wrap


CASES = []


@case("IMDSv1 and v2 with HttpTokens=optional; region, AZ and identity agree; no role")
def optional_tokens(binary):
    script = launch(AMZN2, "--placement AvailabilityZone=us-east-1c")
    with Server(binary, script) as srv:
        s = session_for(srv.url)
        f = InstanceMetadataFetcher(timeout=2, num_attempts=1, config=imds_config(s))
        check(f.get_base_url() == srv.url, f"fetcher base URL {f.get_base_url()}")
        token = f._fetch_metadata_token()
        check(token, f"no IMDSv2 token: {token!r}")
        r = f._get_request("latest/meta-data/instance-id", None, token)
        check((r.status_code, r.text) == (200, srv.instance), f"instance-id with token: {r.status_code} {r.text!r}")
        r = f._get_request("latest/meta-data/instance-id", None, None)
        check((r.status_code, r.text) == (200, srv.instance), f"instance-id without token: {r.status_code} {r.text!r}")
        r = f._get_request("latest/meta-data/placement/availability-zone", None, token)
        check(r.text == "us-east-1c", f"availability-zone {r.text!r}")
        doc = json.loads(f._get_request("latest/dynamic/instance-identity/document", None, token).text)
        check(doc.get("instanceId") == srv.instance, f"identity document {doc}")
        check(doc.get("region") == "us-east-1" and doc.get("availabilityZone") == "us-east-1c", f"identity document {doc}")
        check(doc.get("instanceType") == "t3.micro", f"identity document {doc}")

        region = InstanceMetadataRegionFetcher(timeout=2, num_attempts=1, config=imds_config(s)).retrieve_region()
        check(region == "us-east-1", f"InstanceMetadataRegionFetcher region {region!r}")
        region = IMDSRegionProvider(s).provide()
        check(region == "us-east-1", f"IMDSRegionProvider region {region!r}")

        # No instance profile is attached, so there are no role credentials: botocore gets a 404
        # for iam/security-credentials/ and reports none (the role cases below launch with one).
        creds = f.retrieve_iam_role_credentials()
        check(creds == {}, f"role credentials without a role: {creds}")
        provider = botocore.credentials.create_credential_resolver(s).get_provider("iam-role")
        check(provider.load() is None, "the credential chain's iam-role provider found credentials")
        log = srv.log()
        check(any(l.endswith(" PUT /latest/api/token 200") for l in log), f"request log {log}")


@case("HttpTokens=required (Amazon Linux 2023): botocore uses tokens, IMDSv1 gets 401")
def required_tokens(binary):
    with Server(binary, launch(AL2023)) as srv:
        s = session_for(srv.url)
        f = InstanceMetadataFetcher(timeout=2, num_attempts=1, config=imds_config(s))
        r = f._get_request("latest/meta-data/instance-id", lambda r: False, None)
        check(r.status_code == 401, f"tokenless read with HttpTokens=required: {r.status_code}")
        token = f._fetch_metadata_token()
        check(token, "no token")
        r = f._get_request("latest/meta-data/instance-id", None, token)
        check(r.text == srv.instance, f"instance-id {r.text!r}")
        check(IMDSRegionProvider(s).provide() == "us-east-1", "region through the session")
        check(f.retrieve_iam_role_credentials() == {}, "role credentials without a role")


@case("hop limit: a client one hop away (a container) with hop limit 1 never gets its token")
def hop_limit(binary):
    # Amazon Linux 2 defaults: HttpTokens=optional, hop limit 1. botocore's token PUT times
    # out (1 s), it carries on with IMDSv1 and still finds the region.
    with Server(binary, launch(AMZN2), ["--hops", "1"]) as srv:
        s = session_for(srv.url)
        f = InstanceMetadataRegionFetcher(timeout=1, num_attempts=1, config=imds_config(s))
        t = time.monotonic()
        check(f._fetch_metadata_token() is None, "a token arrived across the hop limit")
        check(time.monotonic() - t >= 0.9, "the token PUT failed fast instead of timing out")
        check(f.retrieve_region() == "us-east-1", "IMDSv1 fallback for the region")
        log = srv.log()
        check(any(" PUT /latest/api/token - (no response" in l for l in log), f"request log {log}")
    # Tokens required and hop limit 1: the container gets nothing at all, as in AWS.
    with Server(binary, launch(AL2023, "--metadata-options HttpTokens=required,HttpPutResponseHopLimit=1"), ["--hops", "1"]) as srv:
        s = session_for(srv.url)
        region = InstanceMetadataRegionFetcher(timeout=1, num_attempts=1, config=imds_config(s)).retrieve_region()
        check(region is None, f"region across the hop limit with tokens required: {region!r}")
    # Amazon Linux 2023's hop limit 2 is what lets the container in.
    with Server(binary, launch(AL2023), ["--hops", "1"]) as srv:
        s = session_for(srv.url)
        check(IMDSRegionProvider(s).provide() == "us-east-1", "region from a container with hop limit 2")


@case("HttpEndpoint=disabled: 403 to the token PUT and to every read")
def endpoint_disabled(binary):
    with Server(binary, launch(AMZN2, "--metadata-options HttpEndpoint=disabled")) as srv:
        s = session_for(srv.url)
        f = InstanceMetadataFetcher(timeout=1, num_attempts=1, config=imds_config(s))
        # botocore takes a 403 to the PUT as "no IMDSv2 here" and tries IMDSv1.
        check(f._fetch_metadata_token() is None, "a token from a disabled endpoint")
        r = f._get_request("latest/meta-data/instance-id", lambda r: False, None)
        check(r.status_code == 403, f"read from a disabled endpoint: {r.status_code}")
        check(IMDSRegionProvider(s).provide() is None, "a region from a disabled endpoint")


TRUST_EC2 = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
TRUST_LAMBDA = TRUST_EC2.replace("ec2.amazonaws.com", "lambda.amazonaws.com")


def with_role(image, trust=TRUST_EC2, extra=""):
    """A setup script: role `app` trusting `trust`, profile `app` holding it, a launch wearing it."""
    return (
        f"printf '%s' '{trust}' > trust.json\n"
        "aws iam create-role --role-name app --assume-role-policy-document file://trust.json > /dev/null\n"
        "aws iam create-instance-profile --instance-profile-name app > /dev/null\n"
        "aws iam add-role-to-instance-profile --instance-profile-name app --role-name app\n"
        + launch(image, f"--iam-instance-profile Name=app {extra}")
    )


def only_imds(url):
    """The environment of a process on the instance with nothing configured: no keys in the
    environment, no shared files, only the metadata endpoint (pointed at ec2lab)."""
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
              "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        os.environ.pop(k, None)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/ec2lab/credentials"
    os.environ["AWS_CONFIG_FILE"] = "/nonexistent/ec2lab/config"
    return session_for(url)


ISO = "%Y-%m-%dT%H:%M:%SZ"


def parse_iso(text):
    import datetime
    return datetime.datetime.strptime(text, ISO)


@case("instance role: botocore's fetcher and the session's credential chain get the ASIA keys")
def role_credentials(binary):
    import email.utils
    with Server(binary, with_role(AL2023)) as srv:
        s = only_imds(srv.url)
        f = InstanceMetadataFetcher(timeout=2, num_attempts=1, config=imds_config(s))
        token = f._fetch_metadata_token()
        check(token, "no token")
        r = f._get_request("latest/meta-data/iam/security-credentials/app", None, token)
        doc = json.loads(r.text)
        check(doc.get("Code") == "Success" and doc.get("Type") == "AWS-HMAC", f"credentials document {doc}")
        check(doc["AccessKeyId"].startswith("ASIA") and len(doc["AccessKeyId"]) == 20, f"key id {doc['AccessKeyId']}")
        # The server's clock is virtual (it follows real time from the lab's start date), so
        # check the expiry against the server's own Date: hours ahead, six after LastUpdated.
        now = email.utils.parsedate_to_datetime(r.headers["Date"]).replace(tzinfo=None)
        expires, updated = parse_iso(doc["Expiration"]), parse_iso(doc["LastUpdated"])
        check((expires - updated).total_seconds() == 6 * 3600, f"lifetime {expires - updated}")
        check((expires - now).total_seconds() > 5 * 3600, f"expires {expires}, server time {now}")
        info = json.loads(f._get_request("latest/meta-data/iam/info", None, token).text)
        check(info.get("Code") == "Success" and info["InstanceProfileArn"].endswith(":instance-profile/app"), f"iam/info {info}")
        check(info["InstanceProfileId"].startswith("AIPA"), f"iam/info {info}")

        creds = f.retrieve_iam_role_credentials()
        check(creds.get("role_name") == "app", f"role name {creds}")
        got = (creds.get("access_key"), creds.get("secret_key"), creds.get("token"))
        check(got == (doc["AccessKeyId"], doc["SecretAccessKey"], doc["Token"]), f"fetcher credentials {creds}")
        # botocore parses the expiry with this exact format (it may push it forward when the
        # virtual date lies behind the real one, which is its own safety net, not ec2lab's).
        parse_iso(creds["expiry_time"])

        # The whole chain, as any SDK user on the instance would get it.
        chain = botocore.session.Session()
        c = chain.get_credentials()
        check(c is not None, "the credential chain found nothing")
        check(c.method == "iam-role", f"provider {c.method}")
        fc = c.get_frozen_credentials()
        check((fc.access_key, fc.secret_key, fc.token) == (doc["AccessKeyId"], doc["SecretAccessKey"], doc["Token"]), f"chain credentials {fc}")
        log = srv.log()
        check(any(l.endswith(" GET /latest/meta-data/iam/security-credentials/app 200") for l in log), f"request log {log}")


@case("a role that does not trust EC2: the 200 error document counts as no credentials")
def untrusted_role(binary):
    with Server(binary, with_role(AL2023, TRUST_LAMBDA)) as srv:
        s = only_imds(srv.url)
        f = InstanceMetadataFetcher(timeout=2, num_attempts=1, config=imds_config(s))
        token = f._fetch_metadata_token()
        doc = json.loads(f._get_request("latest/meta-data/iam/security-credentials/app", None, token).text)
        check(doc.get("Code") == "AssumeRoleUnauthorizedAccess" and "Message" in doc, f"document {doc}")
        check(f.retrieve_iam_role_credentials() == {}, "credentials from an untrusted role")
        check(botocore.session.Session().get_credentials() is None, "the chain found credentials")


@case("instance role from a container: the hop limit decides")
def role_across_hops(binary):
    # AL2023: tokens required, hop limit 2: one hop away the role is still found.
    with Server(binary, with_role(AL2023), ["--hops", "1"]) as srv:
        s = only_imds(srv.url)
        c = botocore.session.Session().get_credentials()
        check(c is not None and c.access_key.startswith("ASIA"), f"credentials one hop away: {c}")
    # Hop limit 1 with tokens required: the token answer is lost and tokenless reads get 401.
    with Server(binary, with_role(AL2023, extra="--metadata-options HttpTokens=required,HttpPutResponseHopLimit=1"), ["--hops", "1"]) as srv:
        s = only_imds(srv.url)
        f = InstanceMetadataFetcher(timeout=1, num_attempts=1, config=imds_config(s))
        check(f.retrieve_iam_role_credentials() == {}, "credentials across the hop limit")


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} PATH/TO/ec2lab", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print(f"not an executable: {binary}", file=sys.stderr)
        return 2
    # Nothing in the environment may send these requests elsewhere or switch IMDS off.
    os.environ.pop("AWS_EC2_METADATA_DISABLED", None)
    os.environ.pop("AWS_EC2_METADATA_V1_DISABLED", None)
    for k in ("NO_PROXY", "no_proxy"):
        os.environ[k] = "127.0.0.1,localhost"
    print(f"botocore {botocore.__version__}, python {sys.version.split()[0]}, {binary}")
    failed = 0
    for fn in CASES:
        t = time.monotonic()
        try:
            fn(binary)
            print(f"  ok    {fn.case_name} ({time.monotonic() - t:.1f}s)")
        except Exception as e:  # noqa: BLE001 - report every case, then fail
            failed += 1
            print(f"  FAIL  {fn.case_name}: {type(e).__name__}: {e}")
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
