#!/usr/bin/env python3
"""Generate engine/data/cli/model.json: the compact AWS CLI model ec2lab's `aws` command uses.

Not needed at build time; run it by hand when updating botocore:

    pip download botocore --no-deps -d /tmp/bc && (cd /tmp/bc && unzip -q -o botocore-*.whl)
    python3 engine/data/cli/extract_cli_model.py /tmp/bc > engine/data/cli/model.json

Layout (all keys short to keep the file small):

    {"names":   {service: every CLI operation name, kebab-case, sorted, front-coded (see front_code)},
     "ops":     {service: {OperationName: {"d": doc, "i": input-shape-ref, "md": {member: doc}}}},
     "shapes":  {ShapeName: shape},
     "waiters": {service: {waiter-cli-name: {"n": WaiterName, "o": Operation, "d": delay,
                                             "m": maxAttempts, "a": [[state, matcher, expected, argument?]]}}}}

A shape reference is either a scalar type name ("string", "integer", "long", "boolean",
"double", "float", "timestamp", "blob"), such a name followed by "[]" for a list of that
scalar, or the name of an entry in "shapes". A shape is
{"t": "structure", "m": {member: ref}, "r": [required], "n": {member: cli-name-override}}
(overrides only where botocore's xform_name differs from the plain kebab rule the Rust side
implements), {"t": "list", "e": ref}, {"t": "map", "k": ref, "v": ref}, or
{"t": "string", "e": [enum...]} for enums.
"""
import gzip
import html
import json
import os
import re
import sys

SUPPORTED = {
    "ec2": [
        "RunInstances", "DescribeInstances", "StartInstances", "StopInstances", "RebootInstances",
        "TerminateInstances", "DescribeInstanceStatus", "DescribeInstanceTypes",
        "DescribeAvailabilityZones", "DescribeRegions", "DescribeImages", "CreateKeyPair",
        "ImportKeyPair", "DescribeKeyPairs", "DeleteKeyPair", "CreateSecurityGroup",
        "DeleteSecurityGroup", "DescribeSecurityGroups", "AuthorizeSecurityGroupIngress",
        "RevokeSecurityGroupIngress", "DescribeVpcs", "DescribeSubnets", "CreateTags", "DeleteTags",
        "DescribeTags", "ModifyInstanceAttribute", "DescribeInstanceAttribute", "GetConsoleOutput",
        "CreateImage", "DeregisterImage", "DescribeImageAttribute",
        "ModifyInstanceMetadataOptions",
        "AssociateIamInstanceProfile", "ReplaceIamInstanceProfileAssociation",
        "DisassociateIamInstanceProfile", "DescribeIamInstanceProfileAssociations",
        "CreatePlacementGroup", "DescribePlacementGroups", "DeletePlacementGroup",
        "ModifyInstancePlacement",
        "AllocateHosts", "DescribeHosts", "ModifyHosts", "ReleaseHosts",
        "DescribeHostReservationOfferings", "GetHostReservationPurchasePreview",
        "DescribeHostReservations", "PurchaseHostReservation",
        "ModifyInstanceMaintenanceOptions", "ModifyInstanceEventStartTime",
    ],
    "iam": [
        "CreateRole", "GetRole", "ListRoles", "DeleteRole", "UpdateRole", "UpdateAssumeRolePolicy",
        "TagRole", "UntagRole", "ListRoleTags", "CreatePolicy", "GetPolicy", "ListPolicies",
        "DeletePolicy", "CreatePolicyVersion", "GetPolicyVersion", "ListPolicyVersions",
        "SetDefaultPolicyVersion", "DeletePolicyVersion", "ListEntitiesForPolicy",
        "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies", "PutRolePolicy",
        "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy", "CreateInstanceProfile",
        "GetInstanceProfile", "ListInstanceProfiles", "ListInstanceProfilesForRole",
        "AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile", "DeleteInstanceProfile",
        "GetUser", "SimulatePrincipalPolicy", "SimulateCustomPolicy",
    ],
    "ssm": [
        "PutParameter", "GetParameter", "GetParameters", "GetParametersByPath", "DescribeParameters",
        "GetParameterHistory", "LabelParameterVersion", "UnlabelParameterVersion", "DeleteParameter",
        "DeleteParameters", "AddTagsToResource", "ListTagsForResource", "RemoveTagsFromResource",
    ],
    "kms": [
        "CreateKey", "DescribeKey", "ListKeys", "CreateAlias", "UpdateAlias", "DeleteAlias",
        "ListAliases", "GetKeyPolicy", "PutKeyPolicy", "ListKeyPolicies", "EnableKey", "DisableKey",
        "ScheduleKeyDeletion", "CancelKeyDeletion", "UpdateKeyDescription", "Encrypt", "Decrypt",
        "GenerateDataKey", "TagResource", "UntagResource", "ListResourceTags",
    ],
    "sts": ["GetCallerIdentity"],
    "ram": [
        "CreateResourceShare", "GetResourceShares", "AssociateResourceShare",
        "DisassociateResourceShare", "DeleteResourceShare", "ListResources", "ListPrincipals",
        "GetResourceShareAssociations", "GetResourceShareInvitations",
        "AcceptResourceShareInvitation",
    ],
}
NAME_ONLY = ["logs", "cloudwatch", "cloudformation"]
# botocore data dir name for each CLI service name.
DATA_DIR = {"cloudwatch": "cloudwatch", "logs": "logs"}
WAITERS = {
    "ec2": ["InstanceRunning", "InstanceStopped", "InstanceTerminated", "InstanceStatusOk",
            "SystemStatusOk", "InstanceExists", "ImageAvailable", "ImageExists"],
    "iam": ["RoleExists", "InstanceProfileExists", "PolicyExists", "UserExists"],
}
# Services whose supported operations carry botocore's paginator config (the CLI's automatic
# pagination, --starting-token/--page-size/--max-items): out["paginators"][service][Op] =
# {"it": input tokens, "ot": output tokens, "lk": limit key, "rk": result keys, "mr": more results}.
PAGINATED = ["ssm", "kms"]
MAX_ENUM = 24
SCALARS = {"string", "integer", "long", "boolean", "double", "float", "timestamp", "blob"}


def xform_name(name, sep="-"):
    sys.path.insert(0, BOTOCORE_ROOT)
    from botocore import xform_name as x  # noqa: E402

    return x(name, sep)


def simple_kebab(name):
    """Mirror of `kebab` in engine/src/console/aws/model.rs."""
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ""
            if prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower()):
                out.append("-")
        out.append(c.lower())
    return "".join(out)


def front_code(names):
    """Front coding: each entry is one char (chr(48 + shared-prefix-length with the previous
    name)) then the rest of the name; entries separated by spaces."""
    out, prev = [], ""
    for n in names:
        k = 0
        while k < min(len(prev), len(n), 70) and prev[k] == n[k]:
            k += 1
        out.append(chr(48 + k) + n[k:])
        prev = n
    return " ".join(out)


def first_sentence(doc, limit=160):
    if not doc:
        return ""
    text = re.sub(r"<[^>]+>", " ", doc)
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    m = re.search(r"(.+?[.!?])(\s|$)", text)
    s = m.group(1) if m else text
    if len(s) > limit:
        s = s[: limit - 3].rsplit(" ", 1)[0] + "..."
    return s


def load(service):
    base = os.path.join(BOTOCORE_ROOT, "botocore", "data", DATA_DIR.get(service, service))
    version = sorted(os.listdir(base))[-1]
    d = os.path.join(base, version)

    def rd(name):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return json.load(open(p))
        if os.path.exists(p + ".gz"):
            return json.load(gzip.open(p + ".gz"))
        return None

    return rd("service-2.json"), rd("waiters-2.json")


def load_paginators(service):
    base = os.path.join(BOTOCORE_ROOT, "botocore", "data", DATA_DIR.get(service, service))
    version = sorted(os.listdir(base))[-1]
    p = os.path.join(base, version, "paginators-1.json")
    return json.load(open(p))["pagination"] if os.path.exists(p) else {}


def main():
    out = {"names": {}, "ops": {}, "shapes": {}, "waiters": {}, "paginators": {}}
    shapes_out = out["shapes"]

    # Shape names are per service in botocore: when two services define the same name
    # differently (ec2's optional-valued Tag, iam's Key+Value Tag), the later one is stored as
    # "service.Name".
    owners = {}
    current = [None]

    def signature(model, s, depth=0):
        t = s["type"]
        if t == "structure":
            return json.dumps([t, {k: m["shape"] for k, m in s["members"].items()}, s.get("required", [])], sort_keys=True)
        # A list or map is only the same as another service's when its elements are too (ram's
        # TagList holds ram's key+value Tag, ec2's holds ec2's Key+Value one): one level deeper.
        elem = lambda name: signature(model, model["shapes"][name], depth + 1) if depth == 0 else name  # noqa: E731
        if t == "list":
            return json.dumps([t, s["member"]["shape"], elem(s["member"]["shape"])])
        if t == "map":
            return json.dumps([t, s["key"]["shape"], s["value"]["shape"], elem(s["value"]["shape"])])
        return json.dumps([t, s.get("enum")])

    def ref(model, shape_name):
        s = model["shapes"][shape_name]
        t = s["type"]
        if t in SCALARS and not s.get("enum"):
            return t
        sig = signature(model, s)
        if owners.get(shape_name, sig) != sig:
            shape_name = f"{current[0]}.{shape_name}"
        if shape_name in shapes_out:
            return shape_name
        owners[shape_name] = sig
        if t == "string":
            e = s["enum"]
            shapes_out[shape_name] = {"t": "string", "e": e if len(e) <= MAX_ENUM else []}
        elif t == "structure":
            entry = {"t": "structure", "m": {}}
            shapes_out[shape_name] = entry  # before recursing: recursive shapes
            names = {}
            for mname, m in s["members"].items():
                entry["m"][mname] = ref(model, m["shape"])
                cli = xform_name(mname)
                if cli != simple_kebab(mname):
                    names[mname] = cli
            if s.get("required"):
                entry["r"] = s["required"]
            if names:
                entry["n"] = names
        elif t == "list" and ref(model, s["member"]["shape"]) in SCALARS:
            return ref(model, s["member"]["shape"]) + "[]"
        elif t == "list":
            entry = {"t": "list"}
            shapes_out[shape_name] = entry
            entry["e"] = ref(model, s["member"]["shape"])
        elif t == "map":
            entry = {"t": "map"}
            shapes_out[shape_name] = entry
            entry["k"] = ref(model, s["key"]["shape"])
            entry["v"] = ref(model, s["value"]["shape"])
        else:
            return t
        return shape_name

    for service in list(SUPPORTED) + NAME_ONLY:
        model, waiters = load(service)
        out["names"][service] = front_code(sorted(xform_name(op) for op in model["operations"]))
        if service not in SUPPORTED:
            continue
        current[0] = service
        ops = out["ops"][service] = {}
        for op in SUPPORTED[service]:
            o = model["operations"][op]
            entry = {"d": first_sentence(o.get("documentation"), 120)}
            if "input" in o:
                shape_name = o["input"]["shape"]
                entry["i"] = ref(model, shape_name)
                md = {}
                for mname, m in model["shapes"][shape_name]["members"].items():
                    if mname == "DryRun":
                        continue  # same text everywhere: the Rust side has it
                    md[mname] = first_sentence(m.get("documentation"), 64)
                entry["md"] = md
            ops[op] = entry
        if service in PAGINATED:
            pag = load_paginators(service)
            listed = lambda v: v if isinstance(v, list) else [v]  # noqa: E731
            pg = out["paginators"][service] = {}
            for op in SUPPORTED[service]:
                if op in pag:
                    c = pag[op]
                    entry = {"it": listed(c["input_token"]), "ot": listed(c["output_token"]), "rk": listed(c["result_key"])}
                    if "limit_key" in c:
                        entry["lk"] = c["limit_key"]
                    if "more_results" in c:
                        entry["mr"] = c["more_results"]
                    pg[op] = entry
        if service in WAITERS:
            ws = out["waiters"][service] = {}
            for name in WAITERS[service]:
                w = waiters["waiters"][name]
                acc = []
                for a in w["acceptors"]:
                    row = [a["state"], a["matcher"], a["expected"]]
                    if "argument" in a:
                        row.append(a["argument"])
                    acc.append(row)
                ws[xform_name(name)] = {"n": name, "o": w["operation"], "d": w["delay"],
                                        "m": w["maxAttempts"], "a": acc}
    json.dump(out, sys.stdout, separators=(",", ":"), ensure_ascii=False)


if __name__ == "__main__":
    BOTOCORE_ROOT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bc"
    main()
