#!/usr/bin/env python3
"""botocore's own model against ec2lab's Dedicated Host and RAM answers.

    target/pyenv/bin/python tests/botocore/test_hosts_shapes.py target/debug/ec2lab

Runs a script through `EC2LAB --seed 31 --jsonl`, and checks every JSON answer of the Dedicated
Host operations (allocate-hosts, describe-hosts, modify-hosts, release-hosts, the Host Reservation
ones) and of the RAM operations against the operation's output shape in botocore's service model:
every member exists in the shape, in the shape's order, with the shape's type, and enum values
are among the shape's. Plain python: exits non-zero on the first failure.
"""

import json
import subprocess
import sys

import botocore.session

AL2023 = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

SCRIPT = f"""
aws ec2 allocate-hosts --instance-family m5 --availability-zone us-east-1a --auto-placement on --host-recovery on --tag-specifications 'ResourceType=dedicated-host,Tags=[{{Key=Name,Value=db}}]'
HOST=$(aws ec2 describe-hosts --query 'Hosts[0].HostId' --output text)
aws ec2 run-instances --image-id {AL2023} --instance-type m5.xlarge --placement Tenancy=host,HostId=$HOST --query 'Instances[0].InstanceId' --output text
aws ec2 describe-hosts
aws ec2 modify-hosts --host-ids $HOST h-0123456789abcdef0 --auto-placement off
aws ec2 describe-host-reservation-offerings --filter Name=instance-family,Values=m5
OFFER=$(aws ec2 describe-host-reservation-offerings --filter Name=instance-family,Values=m5 --query 'OfferingSet[0].OfferingId' --output text)
aws ec2 get-host-reservation-purchase-preview --host-id-set $HOST --offering-id $OFFER
aws ec2 purchase-host-reservation --host-id-set $HOST --offering-id $OFFER
aws ec2 describe-host-reservations
aws ec2 allocate-hosts --instance-type c5.large --availability-zone us-east-1b
C5=$(aws ec2 describe-hosts --filter Name=instance-type,Values=c5.large --query 'Hosts[0].HostId' --output text)
aws ec2 release-hosts --host-ids $C5 $HOST
aws ec2 describe-hosts --filter Name=state,Values=released
lab account partner
aws ram create-resource-share --name licensed --resource-arns arn:aws:ec2:us-east-1:123456789012:dedicated-host/$HOST --principals 210987654321 --tags key=team,value=db
aws ram get-resource-share-invitations --profile partner
INVITE=$(aws ram get-resource-share-invitations --profile partner --query 'resourceShareInvitations[0].resourceShareInvitationArn' --output text)
aws ram accept-resource-share-invitation --resource-share-invitation-arn $INVITE --profile partner
aws ram get-resource-shares --resource-owner SELF
aws ram get-resource-shares --resource-owner OTHER-ACCOUNTS --profile partner
aws ram get-resource-share-associations --association-type PRINCIPAL
aws ram get-resource-share-associations --association-type RESOURCE
aws ram list-resources --resource-owner SELF
aws ram list-principals --resource-owner SELF
aws ec2 describe-hosts --profile partner
SHARE=$(aws ram get-resource-shares --resource-owner SELF --query 'resourceShares[0].resourceShareArn' --output text)
aws ram disassociate-resource-share --resource-share-arn $SHARE --principals 210987654321
aws ram delete-resource-share --resource-share-arn $SHARE
"""

# The CLI command -> (service, operation) whose output shape applies.
OPS = {
    "allocate-hosts": ("ec2", "AllocateHosts"),
    "describe-hosts": ("ec2", "DescribeHosts"),
    "modify-hosts": ("ec2", "ModifyHosts"),
    "release-hosts": ("ec2", "ReleaseHosts"),
    "describe-host-reservation-offerings": ("ec2", "DescribeHostReservationOfferings"),
    "get-host-reservation-purchase-preview": ("ec2", "GetHostReservationPurchasePreview"),
    "purchase-host-reservation": ("ec2", "PurchaseHostReservation"),
    "describe-host-reservations": ("ec2", "DescribeHostReservations"),
    "create-resource-share": ("ram", "CreateResourceShare"),
    "get-resource-shares": ("ram", "GetResourceShares"),
    "get-resource-share-invitations": ("ram", "GetResourceShareInvitations"),
    "accept-resource-share-invitation": ("ram", "AcceptResourceShareInvitation"),
    "get-resource-share-associations": ("ram", "GetResourceShareAssociations"),
    "list-resources": ("ram", "ListResources"),
    "list-principals": ("ram", "ListPrincipals"),
    "disassociate-resource-share": ("ram", "DisassociateResourceShare"),
    "delete-resource-share": ("ram", "DeleteResourceShare"),
}


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(value, shape, path):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            fail(f"{path}: expected an object, got {value!r}")
        members = list(shape.members)
        order = [members.index(k) if k in members else fail(f"{path}.{k}: not a member of {shape.name} ({members})") for k in value]
        if order != sorted(order):
            fail(f"{path}: members out of botocore's order: {list(value)} (model: {members})")
        for k, v in value.items():
            check(v, shape.members[k], f"{path}.{k}")
    elif t == "list":
        if not isinstance(value, list):
            fail(f"{path}: expected a list, got {value!r}")
        for i, v in enumerate(value):
            check(v, shape.member, f"{path}[{i}]")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"{path}: expected an integer, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            fail(f"{path}: expected a boolean, got {value!r}")
    elif t == "timestamp":
        if not isinstance(value, str) or not value.endswith("+00:00"):
            fail(f"{path}: expected a timestamp as the CLI prints it, got {value!r}")
    elif t == "string":
        if not isinstance(value, str):
            fail(f"{path}: expected a string, got {value!r}")
        if shape.enum and value not in shape.enum:
            fail(f"{path}: {value!r} is not one of {shape.enum}")
    else:
        fail(f"{path}: unexpected shape type {t}")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/ec2lab"
    out = subprocess.run([binary, "--seed", "31", "--jsonl"], input=SCRIPT, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        fail(f"ec2lab exited {out.returncode}: {out.stderr}")
    session = botocore.session.get_session()
    models = {s: session.get_service_model(s) for s in ("ec2", "ram")}
    checked = set()
    for line in out.stdout.splitlines():
        step = json.loads(line)
        words = step["input"].split()
        if len(words) < 3 or words[0] != "aws" or "--query" in words:
            continue
        op = OPS.get(words[2])
        if op is None:
            continue
        if step["exit"] != 0:
            fail(f"{step['input']}: exit {step['exit']}: {step['stderr']}")
        service, name = op
        shape = models[service].operation_model(name).output_shape
        check(json.loads(step["stdout"]), shape, f"{service}.{name}")
        checked.add(name)
    missing = {n for _, n in OPS.values()} - checked
    if missing:
        fail(f"not exercised: {sorted(missing)}")
    print(f"ok: {len(checked)} operations match botocore's output shapes")


if __name__ == "__main__":
    main()
