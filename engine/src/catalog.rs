//! The catalogue: regions, AZs, instance types, AMIs, public parameters.
//!
//! Static reference data only: nothing here changes while a world runs. Instance types come from
//! `engine/data/instance_types.json` (extracted from moto, Apache-2.0; see `engine/data/README.md`),
//! embedded with `include_str!` and parsed once on first use. Everything else is written out below.
//! Figures that no source in `shared/aws-facts.md` confirms are marked UNCONFIRMED, each kept in one
//! table so it can be corrected in one place.

use std::sync::OnceLock;

use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Regions and Availability Zones
// ---------------------------------------------------------------------------------------------

/// The one region the simulation runs.
pub const REGION: &str = "us-east-1";

/// A region as `describe-regions` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    /// e.g. `ec2.us-east-1.amazonaws.com`
    pub endpoint: &'static str,
    /// `opt-in-not-required` for every region listed here.
    pub opt_in_status: &'static str,
}

macro_rules! region {
    ($name:literal) => {
        Region { name: $name, endpoint: concat!("ec2.", $name, ".amazonaws.com"), opt_in_status: "opt-in-not-required" }
    };
}

/// The 17 commercial regions enabled by default (no opt-in), in `describe-regions` order
/// (alphabetical by name). Only [`REGION`] is simulated.
static REGIONS: [Region; 17] = [
    region!("ap-northeast-1"),
    region!("ap-northeast-2"),
    region!("ap-northeast-3"),
    region!("ap-south-1"),
    region!("ap-southeast-1"),
    region!("ap-southeast-2"),
    region!("ca-central-1"),
    region!("eu-central-1"),
    region!("eu-north-1"),
    region!("eu-west-1"),
    region!("eu-west-2"),
    region!("eu-west-3"),
    region!("sa-east-1"),
    region!("us-east-1"),
    region!("us-east-2"),
    region!("us-west-1"),
    region!("us-west-2"),
];

pub fn regions() -> &'static [Region] {
    &REGIONS
}

pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

/// An Availability Zone of [`REGION`]. Zone names are per-account aliases; zone ids name the
/// physical zone. The name->id mapping below is a fixed, plausible permutation (real accounts
/// each get their own; UNCONFIRMED by design).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Az {
    pub name: &'static str,
    pub zone_id: &'static str,
}

#[rustfmt::skip]
static AZS: [Az; 6] = [
    Az { name: "us-east-1a", zone_id: "use1-az6" },
    Az { name: "us-east-1b", zone_id: "use1-az1" },
    Az { name: "us-east-1c", zone_id: "use1-az2" },
    Az { name: "us-east-1d", zone_id: "use1-az4" },
    Az { name: "us-east-1e", zone_id: "use1-az3" },
    Az { name: "us-east-1f", zone_id: "use1-az5" },
];

pub fn azs() -> &'static [Az] {
    &AZS
}

/// Look an AZ up by name (`us-east-1a`).
pub fn az(name: &str) -> Option<&'static Az> {
    AZS.iter().find(|a| a.name == name)
}

/// Look an AZ up by zone id (`use1-az6`).
pub fn az_by_zone_id(zone_id: &str) -> Option<&'static Az> {
    AZS.iter().find(|a| a.zone_id == zone_id)
}

// ---------------------------------------------------------------------------------------------
// Instance types
// ---------------------------------------------------------------------------------------------

static INSTANCE_TYPES_JSON: &str = include_str!("../data/instance_types.json");

/// `EnaSupport` of `describe-instance-types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnaSupport {
    Required,
    Supported,
    Unsupported,
}

impl EnaSupport {
    pub fn as_str(self) -> &'static str {
        match self {
            EnaSupport::Required => "required",
            EnaSupport::Supported => "supported",
            EnaSupport::Unsupported => "unsupported",
        }
    }
}

/// `EbsInfo.EbsOptimizedSupport` of `describe-instance-types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EbsOptimized {
    /// Always EBS-optimized, at no extra charge.
    Default,
    /// Off by default; can be enabled (for an hourly fee).
    Supported,
    Unsupported,
}

impl EbsOptimized {
    pub fn as_str(self) -> &'static str {
        match self {
            EbsOptimized::Default => "default",
            EbsOptimized::Supported => "supported",
            EbsOptimized::Unsupported => "unsupported",
        }
    }
}

/// One instance type. The typed fields are read out of `raw`, which is the
/// `describe-instance-types` `InstanceTypes[]` item, key order as the CLI prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// `m5.large`
    pub name: String,
    /// `m5`
    pub family: String,
    /// `large`
    pub size: String,
    pub vcpus: u32,
    pub default_cores: u32,
    pub threads_per_core: u32,
    pub memory_mib: u64,
    /// `NetworkInfo.NetworkPerformance`, e.g. `Up to 10 Gigabit`.
    pub network_performance: String,
    pub ena_support: EnaSupport,
    pub ebs_optimized: EbsOptimized,
    pub ebs_baseline_mbps: Option<f64>,
    pub ebs_max_mbps: Option<f64>,
    pub ebs_baseline_iops: Option<u64>,
    pub ebs_max_iops: Option<u64>,
    /// `PlacementGroupInfo.SupportedStrategies` (`cluster`, `partition`, `spread`).
    pub placement_strategies: Vec<String>,
    pub burstable: bool,
    /// `nitro`, `xen`, or `""` for bare metal (which has no hypervisor).
    pub hypervisor: String,
    pub bare_metal: bool,
    pub current_generation: bool,
    pub raw: Value,
}

impl InstanceType {
    /// How many quarter-cores this instance takes on a physical host: burstable types by memory
    /// (one unit per 4 GiB, at least one), others four per default core. So a 48-core host
    /// (192 units) holds 192 t3.micro, 96 t3.large, 6 m5.4xlarge.
    pub fn host_units(&self) -> u32 {
        if self.burstable { ((self.memory_mib / 4096) as u32).max(1) } else { self.default_cores * 4 }
    }

    pub fn memory_gib(&self) -> f64 {
        self.memory_mib as f64 / 1024.0
    }

    /// Whether placement groups of this strategy (`cluster`, `partition`, `spread`) accept it.
    pub fn supports_placement(&self, strategy: &str) -> bool {
        self.placement_strategies.iter().any(|s| s == strategy)
    }

    /// `NetworkInfo.NetworkCards[0].BaselineBandwidthInGbps`.
    pub fn network_baseline_gbps(&self) -> Option<f64> {
        self.raw.pointer("/NetworkInfo/NetworkCards/0/BaselineBandwidthInGbps")?.as_f64()
    }

    /// `NetworkInfo.NetworkCards[0].PeakBandwidthInGbps`.
    pub fn network_peak_gbps(&self) -> Option<f64> {
        self.raw.pointer("/NetworkInfo/NetworkCards/0/PeakBandwidthInGbps")?.as_f64()
    }

    /// `DedicatedHostsSupported`.
    pub fn dedicated_hosts_supported(&self) -> bool {
        self.raw.get("DedicatedHostsSupported").and_then(Value::as_bool).unwrap_or(false)
    }

    /// `ProcessorInfo.SupportedArchitectures` (`i386`, `x86_64`, `arm64`).
    pub fn architectures(&self) -> Vec<&str> {
        self.raw
            .pointer("/ProcessorInfo/SupportedArchitectures")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// Sort key of a size: nano < micro < small < medium < large < xlarge < 2xlarge < … < metal.
fn size_rank(size: &str) -> (u8, u32) {
    const NAMED: [&str; 6] = ["nano", "micro", "small", "medium", "large", "xlarge"];
    if let Some(i) = NAMED.iter().position(|s| *s == size) {
        return (0, i as u32);
    }
    if let Some(n) = size.strip_suffix("xlarge").and_then(|n| n.parse::<u32>().ok()) {
        return (1, n);
    }
    (2, 0)
}

fn parse_instance_type(raw: Value) -> InstanceType {
    let s = |p: &str| raw.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
    let u = |p: &str| raw.pointer(p).and_then(Value::as_u64);
    let f = |p: &str| raw.pointer(p).and_then(Value::as_f64);
    let b = |p: &str| raw.pointer(p).and_then(Value::as_bool).unwrap_or(false);

    let name = s("/InstanceType");
    let (family, size) = name.split_once('.').map(|(f, s)| (f.to_string(), s.to_string())).unwrap_or_default();
    let ena_support = match s("/NetworkInfo/EnaSupport").as_str() {
        "required" => EnaSupport::Required,
        "supported" => EnaSupport::Supported,
        _ => EnaSupport::Unsupported,
    };
    let ebs_optimized = match s("/EbsInfo/EbsOptimizedSupport").as_str() {
        "default" => EbsOptimized::Default,
        "supported" => EbsOptimized::Supported,
        _ => EbsOptimized::Unsupported,
    };
    let vcpus = u("/VCpuInfo/DefaultVCpus").unwrap_or(1) as u32;
    let default_cores = u("/VCpuInfo/DefaultCores").unwrap_or(vcpus as u64) as u32;
    let threads_per_core = u("/VCpuInfo/DefaultThreadsPerCore").unwrap_or(1) as u32;
    let placement_strategies = raw
        .pointer("/PlacementGroupInfo/SupportedStrategies")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    InstanceType {
        vcpus,
        default_cores,
        threads_per_core,
        memory_mib: u("/MemoryInfo/SizeInMiB").unwrap_or(0),
        network_performance: s("/NetworkInfo/NetworkPerformance"),
        ena_support,
        ebs_optimized,
        ebs_baseline_mbps: f("/EbsInfo/EbsOptimizedInfo/BaselineBandwidthInMbps"),
        ebs_max_mbps: f("/EbsInfo/EbsOptimizedInfo/MaximumBandwidthInMbps"),
        ebs_baseline_iops: u("/EbsInfo/EbsOptimizedInfo/BaselineIops"),
        ebs_max_iops: u("/EbsInfo/EbsOptimizedInfo/MaximumIops"),
        placement_strategies,
        burstable: b("/BurstablePerformanceSupported"),
        hypervisor: s("/Hypervisor"),
        bare_metal: b("/BareMetal"),
        current_generation: b("/CurrentGeneration"),
        name,
        family,
        size,
        raw,
    }
}

/// Every instance type in the catalogue, sorted by family name then size
/// (`c4.large` … `t3.2xlarge`).
pub fn instance_types() -> &'static [InstanceType] {
    static TYPES: OnceLock<Vec<InstanceType>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let items: Vec<Value> =
            serde_json::from_str(INSTANCE_TYPES_JSON).expect("engine/data/instance_types.json is valid JSON");
        let mut types: Vec<InstanceType> = items.into_iter().map(parse_instance_type).collect();
        types.sort_by(|a, b| a.family.cmp(&b.family).then_with(|| size_rank(&a.size).cmp(&size_rank(&b.size))));
        types
    })
}

/// Look an instance type up by its exact name (`m5.large`).
pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    instance_types().iter().find(|t| t.name == name)
}

/// The families in the catalogue, in [`instance_types`] order.
pub fn families() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for t in instance_types() {
        if out.last() != Some(&t.family.as_str()) {
            out.push(t.family.as_str());
        }
    }
    out
}

/// The sizes of one family, smallest first.
pub fn family_types(family: &str) -> Vec<&'static InstanceType> {
    instance_types().iter().filter(|t| t.family == family).collect()
}

/// The shape of one physical host (Dedicated Host) of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyHost {
    pub family: &'static str,
    pub sockets: u32,
    /// Physical cores on the host (all sockets together).
    pub cores: u32,
    /// Nitro families take mixed sizes on one host; older families one size per host.
    pub allows_multiple_instance_types: bool,
}

impl FamilyHost {
    /// `HostProperties.TotalVCpus`: two hardware threads per core.
    pub fn total_vcpus(&self) -> u32 {
        self.cores * 2
    }

    /// Capacity in the units of [`InstanceType::host_units`] (quarter-cores).
    pub fn host_units(&self) -> u32 {
        self.cores * 4
    }
}

/// Host shapes. The first group takes its core counts from aws-facts.md §8 ("R5 host: 2 sockets,
/// 48 cores"; m5.4xlarge host 48 cores; T3 host 48 cores; c5.24xlarge 48 cores; mixed sizes on
/// Nitro families A1, C5, M5, R5, C5n, M5n, R5n, T3).
///
/// UNCONFIRMED: every socket count except R5's (the facts say "2 likely" for M5/C5), and every row
/// of the second group, which is the largest size's default cores (metal when moto lists it),
/// rounded up to a plausible two-socket Intel part of the generation; and m6i mixing sizes
/// (it is a Nitro family, but the facts' list does not name it).
#[rustfmt::skip]
static FAMILY_HOSTS: [FamilyHost; 11] = [
    // From aws-facts.md §8.
    FamilyHost { family: "c5", sockets: 2, cores: 48, allows_multiple_instance_types: true },
    FamilyHost { family: "m5", sockets: 2, cores: 48, allows_multiple_instance_types: true },
    FamilyHost { family: "r5", sockets: 2, cores: 48, allows_multiple_instance_types: true },
    FamilyHost { family: "t3", sockets: 2, cores: 48, allows_multiple_instance_types: true },
    // UNCONFIRMED: derived from the largest size (see above).
    FamilyHost { family: "c5n", sockets: 2, cores: 36, allows_multiple_instance_types: true }, // c5n.metal 36 cores
    FamilyHost { family: "m6i", sockets: 2, cores: 64, allows_multiple_instance_types: true }, // m6i.metal 64 cores
    FamilyHost { family: "c4", sockets: 2, cores: 20, allows_multiple_instance_types: false }, // c4.8xlarge 18 cores
    FamilyHost { family: "i3", sockets: 2, cores: 36, allows_multiple_instance_types: false }, // i3.16xlarge 32 cores (i3.metal, absent from moto, has 36)
    FamilyHost { family: "m3", sockets: 2, cores: 20, allows_multiple_instance_types: false }, // m3.2xlarge 4 cores; 2x10-core host
    FamilyHost { family: "m4", sockets: 2, cores: 36, allows_multiple_instance_types: false }, // m4.16xlarge 32 cores
    FamilyHost { family: "t2", sockets: 2, cores: 24, allows_multiple_instance_types: false }, // t2 has no Dedicated Hosts; shape for the rack model only
];

/// The physical host shape of a family (`m5`), if the family is in the catalogue.
pub fn family_host(family: &str) -> Option<FamilyHost> {
    FAMILY_HOSTS.iter().find(|h| h.family == family).copied()
}

// ---------------------------------------------------------------------------------------------
// AMIs
// ---------------------------------------------------------------------------------------------

/// Amazon's AMI-owner account.
pub const AMAZON_OWNER_ID: &str = "137112412989";
/// Canonical's AMI-owner account.
pub const CANONICAL_OWNER_ID: &str = "099720109477";

/// A public AMI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ami {
    pub image_id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub owner_id: &'static str,
    /// `amazon` for Amazon's images; Canonical's images have none.
    pub owner_alias: Option<&'static str>,
    /// `x86_64` | `arm64`
    pub architecture: &'static str,
    pub creation_date: &'static str,
    pub deprecation_time: &'static str,
    /// `amazon/<name>`
    pub image_location: &'static str,
    /// `/dev/xvda` (Amazon Linux) | `/dev/sda1` (Ubuntu)
    pub root_device_name: &'static str,
    pub root_snapshot_id: &'static str,
    /// `gp3` | `gp2` | `standard` (the AL2 `-ebs` images)
    pub root_volume_type: &'static str,
    pub root_volume_size_gib: u32,
    /// `Linux/UNIX`
    pub platform_details: &'static str,
    /// The login user: `ec2-user` | `ubuntu`.
    pub default_user: &'static str,
    /// `Amazon Linux 2023`, `Amazon Linux 2`, `Ubuntu 24.04 LTS`, …
    pub os_name: &'static str,
    /// Release: `2023.9.20251110`, `2.0.20251108`, `24.04`, …
    pub os_version: &'static str,
    /// Kernel line: `6.1`, `6.12`, `4.14`, `5.10`, `6.14`, …
    pub kernel: &'static str,
    pub minimal: bool,
    pub ena_support: bool,
    /// `v2.0`: instances launched from it default to IMDSv2 only.
    pub imds_support: Option<&'static str>,
    /// `legacy-bios` | `uefi` | `uefi-preferred`; `None` leaves it out (legacy BIOS).
    pub boot_mode: Option<&'static str>,
}

const AL2023_RELEASE: &str = "2023.9.20251110";
const AL2_RELEASE: &str = "2.0.20251108";

/// Amazon Linux 2023, release 2023.9.20251110.0.
/// UNCONFIRMED: DeprecationTime of Amazon Linux images = creation + 90 days; root 8 GiB for
/// minimal images too.
#[rustfmt::skip]
macro_rules! al2023 {
    ($id:literal, $snap:literal, $arch:literal, $kernel:literal, $min:literal, $min_desc:literal, $minimal:literal,
     $boot:literal, $created:literal, $deprecated:literal) => {
        Ami {
            image_id: $id,
            name: concat!("al2023-ami-", $min, "2023.9.20251110.0-kernel-", $kernel, "-", $arch),
            description: concat!("Amazon Linux 2023 AMI 2023.9.20251110.0 ", $arch, " ", $min_desc, "HVM kernel-", $kernel),
            owner_id: AMAZON_OWNER_ID,
            owner_alias: Some("amazon"),
            architecture: $arch,
            creation_date: $created,
            deprecation_time: $deprecated,
            image_location: concat!("amazon/al2023-ami-", $min, "2023.9.20251110.0-kernel-", $kernel, "-", $arch),
            root_device_name: "/dev/xvda",
            root_snapshot_id: $snap,
            root_volume_type: "gp3",
            root_volume_size_gib: 8,
            platform_details: "Linux/UNIX",
            default_user: "ec2-user",
            os_name: "Amazon Linux 2023",
            os_version: AL2023_RELEASE,
            kernel: $kernel,
            minimal: $minimal,
            ena_support: true,
            imds_support: Some("v2.0"),
            boot_mode: Some($boot),
        }
    };
}

/// Amazon Linux 2, release 2.0.20251108.0. `$k` is `""` (kernel 4.14) or `"kernel-5.10-"`.
#[rustfmt::skip]
macro_rules! al2 {
    ($id:literal, $snap:literal, $arch:literal, $arm_desc:literal, $kernel:literal, $k:literal, $k_desc:literal,
     $min:literal, $min_desc:literal, $minimal:literal, $vol:literal, $voltype:literal, $boot:expr,
     $created:literal, $deprecated:literal) => {
        Ami {
            image_id: $id,
            name: concat!("amzn2-ami-", $min, $k, "hvm-2.0.20251108.0-", $arch, "-", $vol),
            description: concat!(
                "Amazon Linux 2 ", $arm_desc, $k_desc, "AMI 2.0.20251108.0 ", $arch, " ", $min_desc, "HVM ", $vol
            ),
            owner_id: AMAZON_OWNER_ID,
            owner_alias: Some("amazon"),
            architecture: $arch,
            creation_date: $created,
            deprecation_time: $deprecated,
            image_location: concat!("amazon/amzn2-ami-", $min, $k, "hvm-2.0.20251108.0-", $arch, "-", $vol),
            root_device_name: "/dev/xvda",
            root_snapshot_id: $snap,
            root_volume_type: $voltype,
            root_volume_size_gib: 8,
            platform_details: "Linux/UNIX",
            default_user: "ec2-user",
            os_name: "Amazon Linux 2",
            os_version: AL2_RELEASE,
            kernel: $kernel,
            minimal: $minimal,
            ena_support: true,
            imds_support: None,
            boot_mode: $boot,
        }
    };
}

/// The public AMIs of us-east-1. Names and descriptions follow the real patterns (as recorded in
/// moto's `latest_amis/us-east-1.json`); ids and snapshot ids are made up and fixed.
/// UNCONFIRMED for Ubuntu: description wording, ImageLocation prefix (recent images show
/// `amazon/…`, older ones `099720109477/…`), BootMode `uefi-preferred`, no ImdsSupport, and the
/// DeprecationTime (creation + 2 years, the EC2 default for public AMIs).
#[rustfmt::skip]
static IMAGES: [Ami; 20] = [
    al2023!("ami-025ada3602fe955f8", "snap-024c1ef1d2b060bfd", "x86_64", "6.1", "", "", false, "uefi-preferred",
        "2025-11-10T21:42:17.000Z", "2026-02-08T21:42:00.000Z"),
    al2023!("ami-0154dd9d4b87d723e", "snap-0a6fe511f40f27aa2", "arm64", "6.1", "", "", false, "uefi",
        "2025-11-10T21:42:19.000Z", "2026-02-08T21:42:00.000Z"),
    al2023!("ami-0cdc5ec31b211f930", "snap-0cca0c6d517e4a13a", "x86_64", "6.12", "", "", false, "uefi-preferred",
        "2025-11-10T21:43:05.000Z", "2026-02-08T21:43:00.000Z"),
    al2023!("ami-0c54282e85685df6b", "snap-0278c16869eee9bba", "arm64", "6.12", "", "", false, "uefi",
        "2025-11-10T21:43:08.000Z", "2026-02-08T21:43:00.000Z"),
    al2023!("ami-0a65bc610c58bf412", "snap-04d127ba3b1ec2730", "x86_64", "6.1", "minimal-", "Minimal ", true,
        "uefi-preferred", "2025-11-10T21:40:51.000Z", "2026-02-08T21:40:00.000Z"),
    al2023!("ami-0ac8d437aa4cc37d4", "snap-0d94a90b05a3330e7", "arm64", "6.1", "minimal-", "Minimal ", true, "uefi",
        "2025-11-10T21:40:55.000Z", "2026-02-08T21:40:00.000Z"),
    al2023!("ami-0ed0921b655ecf1a6", "snap-0b4f252a4607654e2", "x86_64", "6.12", "minimal-", "Minimal ", true,
        "uefi-preferred", "2025-11-10T21:41:30.000Z", "2026-02-08T21:41:00.000Z"),
    al2023!("ami-0c26e61a16568d98d", "snap-0c1c3977ebf36b7c0", "arm64", "6.12", "minimal-", "Minimal ", true, "uefi",
        "2025-11-10T21:41:33.000Z", "2026-02-08T21:41:00.000Z"),
    // Amazon Linux 2, kernel 4.14 (the unsuffixed `amzn2-ami-hvm-*` names).
    al2!("ami-07056dde505162edc", "snap-0c8016d07d86e0d7e", "x86_64", "", "4.14", "", "", "", "", false, "gp2", "gp2",
        None, "2025-11-08T07:12:40.000Z", "2026-02-06T07:12:00.000Z"),
    al2!("ami-0ecc2554fbc6f4d07", "snap-07c45eddb137bfed6", "x86_64", "", "4.14", "", "", "", "", false, "ebs",
        "standard", None, "2025-11-08T07:12:44.000Z", "2026-02-06T07:12:00.000Z"),
    al2!("ami-0029dc7fb8a129049", "snap-0244b9e4811cc4f45", "arm64", "LTS Arm64 ", "4.14", "", "", "", "", false, "gp2",
        "gp2", Some("uefi"), "2025-11-08T07:13:02.000Z", "2026-02-06T07:13:00.000Z"),
    // Amazon Linux 2, kernel 5.10 (also what the `kernel-default` names point to).
    al2!("ami-01ecfca3c5e4fe0d1", "snap-05cdecd8ba9f006e2", "x86_64", "", "5.10", "kernel-5.10-", "Kernel 5.10 ", "", "",
        false, "gp2", "gp2", None, "2025-11-08T07:20:11.000Z", "2026-02-06T07:20:00.000Z"),
    al2!("ami-0e3fb2f832ff257dc", "snap-024afed8491279aef", "x86_64", "", "5.10", "kernel-5.10-", "Kernel 5.10 ", "", "",
        false, "ebs", "standard", None, "2025-11-08T07:20:15.000Z", "2026-02-06T07:20:00.000Z"),
    al2!("ami-008f0321ea4046d3a", "snap-09de821b28679a8e5", "arm64", "LTS Arm64 ", "5.10", "kernel-5.10-",
        "Kernel 5.10 ", "", "", false, "gp2", "gp2", Some("uefi"), "2025-11-08T07:20:38.000Z",
        "2026-02-06T07:20:00.000Z"),
    // Amazon Linux 2 minimal.
    al2!("ami-0b97bd6d969ec8b05", "snap-04321c6d107bc44c5", "x86_64", "", "4.14", "", "", "minimal-", "Minimal ", true,
        "ebs", "standard", None, "2025-11-08T07:25:03.000Z", "2026-02-06T07:25:00.000Z"),
    al2!("ami-0598ac76144daebb8", "snap-0ca5c14d5062887ba", "arm64", "LTS Arm64 ", "4.14", "", "", "minimal-",
        "Minimal ", true, "ebs", "standard", Some("uefi"), "2025-11-08T07:25:09.000Z", "2026-02-06T07:25:00.000Z"),
    al2!("ami-00edcb77667bd8174", "snap-0d6e7fe9e975fd92b", "x86_64", "", "5.10", "kernel-5.10-", "Kernel 5.10 ",
        "minimal-", "Minimal ", true, "gp2", "gp2", None, "2025-11-08T07:26:47.000Z", "2026-02-06T07:26:00.000Z"),
    al2!("ami-001f4a30278f40e85", "snap-0086de73eed83dd29", "arm64", "LTS Arm64 ", "5.10", "kernel-5.10-",
        "Kernel 5.10 ", "minimal-", "Minimal ", true, "gp2", "gp2", Some("uefi"), "2025-11-08T07:26:52.000Z",
        "2026-02-06T07:26:00.000Z"),
    // Canonical Ubuntu.
    Ami {
        image_id: "ami-0920277e6075bff9f",
        name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251107",
        description: "Canonical, Ubuntu, 24.04, amd64 noble image",
        owner_id: CANONICAL_OWNER_ID,
        owner_alias: None,
        architecture: "x86_64",
        creation_date: "2025-11-07T18:08:36.000Z",
        deprecation_time: "2027-11-07T18:08:36.000Z",
        image_location: "amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251107",
        root_device_name: "/dev/sda1",
        root_snapshot_id: "snap-0945389563f2b13f4",
        root_volume_type: "gp3",
        root_volume_size_gib: 8,
        platform_details: "Linux/UNIX",
        default_user: "ubuntu",
        os_name: "Ubuntu 24.04 LTS",
        os_version: "24.04",
        kernel: "6.14",
        minimal: false,
        ena_support: true,
        imds_support: None,
        boot_mode: Some("uefi-preferred"),
    },
    Ami {
        image_id: "ami-0c76263cd9357123c",
        name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20251107",
        description: "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2025-11-07",
        owner_id: CANONICAL_OWNER_ID,
        owner_alias: None,
        architecture: "x86_64",
        creation_date: "2025-11-07T17:51:20.000Z",
        deprecation_time: "2027-11-07T17:51:20.000Z",
        image_location: "amazon/ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20251107",
        root_device_name: "/dev/sda1",
        root_snapshot_id: "snap-07df3e620a54b35bc",
        root_volume_type: "gp2",
        root_volume_size_gib: 8,
        platform_details: "Linux/UNIX",
        default_user: "ubuntu",
        os_name: "Ubuntu 22.04 LTS",
        os_version: "22.04",
        kernel: "6.8",
        minimal: false,
        ena_support: true,
        imds_support: None,
        boot_mode: Some("uefi-preferred"),
    },
];

/// Every public AMI in the catalogue.
pub fn images() -> &'static [Ami] {
    &IMAGES
}

/// Look an AMI up by id (`ami-0…`).
pub fn image(id: &str) -> Option<&'static Ami> {
    IMAGES.iter().find(|a| a.image_id == id)
}

/// The `describe-images` `Images[]` item, keys in botocore's `Image` member order (the order the
/// CLI prints them in).
pub fn image_json(ami: &Ami) -> Value {
    let mut ebs = serde_json::Map::new();
    ebs.insert("DeleteOnTermination".into(), json!(true));
    if ami.root_volume_type == "gp3" {
        ebs.insert("Iops".into(), json!(3000));
    }
    ebs.insert("SnapshotId".into(), json!(ami.root_snapshot_id));
    ebs.insert("VolumeSize".into(), json!(ami.root_volume_size_gib));
    ebs.insert("VolumeType".into(), json!(ami.root_volume_type));
    if ami.root_volume_type == "gp3" {
        ebs.insert("Throughput".into(), json!(125));
    }
    ebs.insert("Encrypted".into(), json!(false));

    let mut m = serde_json::Map::new();
    m.insert("PlatformDetails".into(), json!(ami.platform_details));
    m.insert("UsageOperation".into(), json!("RunInstances"));
    m.insert("BlockDeviceMappings".into(), json!([{ "Ebs": Value::Object(ebs), "DeviceName": ami.root_device_name }]));
    m.insert("Description".into(), json!(ami.description));
    m.insert("EnaSupport".into(), json!(ami.ena_support));
    m.insert("Hypervisor".into(), json!("xen"));
    if let Some(alias) = ami.owner_alias {
        m.insert("ImageOwnerAlias".into(), json!(alias));
    }
    m.insert("Name".into(), json!(ami.name));
    m.insert("RootDeviceName".into(), json!(ami.root_device_name));
    m.insert("RootDeviceType".into(), json!("ebs"));
    m.insert("SriovNetSupport".into(), json!("simple"));
    m.insert("VirtualizationType".into(), json!("hvm"));
    if let Some(mode) = ami.boot_mode {
        m.insert("BootMode".into(), json!(mode));
    }
    m.insert("DeprecationTime".into(), json!(ami.deprecation_time));
    if let Some(imds) = ami.imds_support {
        m.insert("ImdsSupport".into(), json!(imds));
    }
    m.insert("ImageId".into(), json!(ami.image_id));
    m.insert("ImageLocation".into(), json!(ami.image_location));
    m.insert("State".into(), json!("available"));
    m.insert("OwnerId".into(), json!(ami.owner_id));
    m.insert("CreationDate".into(), json!(ami.creation_date));
    m.insert("Public".into(), json!(true));
    m.insert("Architecture".into(), json!(ami.architecture));
    m.insert("ImageType".into(), json!("machine"));
    Value::Object(m)
}

// ---------------------------------------------------------------------------------------------
// Public SSM parameters
// ---------------------------------------------------------------------------------------------

/// Public parameter name -> AMI id. The Amazon Linux names are those moto records for us-east-1
/// (`moto/ssm/resources/ami-amazon-linux-latest/us-east-1.json`), minus the retired Amazon Linux 1
/// (`amzn-ami-*`), the AL2027 preview and the kernel-6.18 names, which are newer than this
/// catalogue's 2025-11 images. `kernel-default` points at the 6.1 images (UNCONFIRMED for late
/// 2025; moto's 2026 data points it at 6.18) and AL2's `kernel-default` at 5.10 (as in moto).
static PUBLIC_PARAMETERS: &[(&str, &str)] = &[
    // Amazon Linux 2023
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "ami-025ada3602fe955f8"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64", "ami-025ada3602fe955f8"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", "ami-0154dd9d4b87d723e"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64", "ami-0154dd9d4b87d723e"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-x86_64", "ami-0cdc5ec31b211f930"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-arm64", "ami-0c54282e85685df6b"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64", "ami-0a65bc610c58bf412"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-6.1-x86_64", "ami-0a65bc610c58bf412"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64", "ami-0ac8d437aa4cc37d4"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-6.1-arm64", "ami-0ac8d437aa4cc37d4"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-6.12-x86_64", "ami-0ed0921b655ecf1a6"),
    ("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-6.12-arm64", "ami-0c26e61a16568d98d"),
    // Amazon Linux 2
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2", "ami-07056dde505162edc"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-4.14-hvm-x86_64-gp2", "ami-07056dde505162edc"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-ebs", "ami-0ecc2554fbc6f4d07"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-4.14-hvm-x86_64-ebs", "ami-0ecc2554fbc6f4d07"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-arm64-gp2", "ami-0029dc7fb8a129049"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-4.14-hvm-arm64-gp2", "ami-0029dc7fb8a129049"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2", "ami-01ecfca3c5e4fe0d1"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-default-hvm-x86_64-gp2", "ami-01ecfca3c5e4fe0d1"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-ebs", "ami-0e3fb2f832ff257dc"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-default-hvm-x86_64-ebs", "ami-0e3fb2f832ff257dc"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2", "ami-008f0321ea4046d3a"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-default-hvm-arm64-gp2", "ami-008f0321ea4046d3a"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-hvm-x86_64-ebs", "ami-0b97bd6d969ec8b05"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-kernel-4.14-hvm-x86_64-ebs", "ami-0b97bd6d969ec8b05"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-hvm-arm64-ebs", "ami-0598ac76144daebb8"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-kernel-4.14-hvm-arm64-ebs", "ami-0598ac76144daebb8"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-kernel-5.10-hvm-x86_64-gp2", "ami-00edcb77667bd8174"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-kernel-default-hvm-x86_64-gp2", "ami-00edcb77667bd8174"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-kernel-5.10-hvm-arm64-gp2", "ami-001f4a30278f40e85"),
    ("/aws/service/ami-amazon-linux-latest/amzn2-ami-minimal-kernel-default-hvm-arm64-gp2", "ami-001f4a30278f40e85"),
    // Canonical Ubuntu (release number and code-name forms).
    ("/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id", "ami-0920277e6075bff9f"),
    ("/aws/service/canonical/ubuntu/server/noble/stable/current/amd64/hvm/ebs-gp3/ami-id", "ami-0920277e6075bff9f"),
    ("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id", "ami-0c76263cd9357123c"),
    ("/aws/service/canonical/ubuntu/server/jammy/stable/current/amd64/hvm/ebs-gp2/ami-id", "ami-0c76263cd9357123c"),
];

/// Public SSM parameters (name -> AMI id), sorted by name. Every value is an AMI of [`images`].
pub fn public_parameters() -> &'static [(String, String)] {
    static PARAMS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    PARAMS.get_or_init(|| {
        let mut v: Vec<(String, String)> =
            PUBLIC_PARAMETERS.iter().map(|(n, id)| (n.to_string(), id.to_string())).collect();
        v.sort();
        v
    })
}

/// The value (AMI id) of a public parameter, by its full name.
pub fn public_parameter(name: &str) -> Option<&'static str> {
    PUBLIC_PARAMETERS.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn t(name: &str) -> &'static InstanceType {
        instance_type(name).unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn regions_and_azs() {
        assert_eq!(regions().len(), 17);
        let r = region(REGION).unwrap();
        assert_eq!(r.endpoint, "ec2.us-east-1.amazonaws.com");
        assert!(regions().iter().all(|r| r.opt_in_status == "opt-in-not-required"));
        assert_eq!(regions().iter().map(|r| r.name).collect::<HashSet<_>>().len(), 17);

        assert_eq!(azs().len(), 6);
        let names: HashSet<_> = azs().iter().map(|a| a.name).collect();
        let ids: HashSet<_> = azs().iter().map(|a| a.zone_id).collect();
        assert_eq!(names.len(), 6);
        assert_eq!(ids.len(), 6);
        for a in azs() {
            assert!(a.name.starts_with("us-east-1"));
            assert!(a.zone_id.starts_with("use1-az"));
        }
        assert_eq!(az("us-east-1a").unwrap().zone_id, "use1-az6");
        assert_eq!(az_by_zone_id("use1-az1").unwrap().name, "us-east-1b");
        assert!(az("us-east-1g").is_none());
    }

    #[test]
    fn every_family_has_all_sizes() {
        let expect: &[(&str, &[&str])] = &[
            ("c4", &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]),
            ("c5", &["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge", "metal"]),
            ("c5n", &["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge", "metal"]),
            ("i3", &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]),
            ("m3", &["medium", "large", "xlarge", "2xlarge"]),
            ("m4", &["large", "xlarge", "2xlarge", "4xlarge", "10xlarge", "16xlarge"]),
            ("m5", &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "metal"]),
            (
                "m6i",
                &[
                    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge",
                    "metal",
                ],
            ),
            ("r5", &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "metal"]),
            ("t2", &["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]),
            ("t3", &["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]),
        ];
        assert_eq!(families(), expect.iter().map(|(f, _)| *f).collect::<Vec<_>>());
        for (family, sizes) in expect {
            let got: Vec<&str> = family_types(family).iter().map(|t| t.size.as_str()).collect();
            assert_eq!(&got, sizes, "{family}");
            assert!(family_host(family).is_some(), "{family} host");
        }
        assert_eq!(instance_types().len(), expect.iter().map(|(_, s)| s.len()).sum::<usize>());
        assert!(instance_type("m5.huge").is_none());
        assert!(instance_type("x1.large").is_none());
    }

    #[test]
    fn figures_match_the_facts() {
        let m5 = t("m5.large");
        assert_eq!((m5.vcpus, m5.default_cores, m5.threads_per_core, m5.memory_mib), (2, 1, 2, 8192));
        assert_eq!(m5.ena_support, EnaSupport::Required);
        assert_eq!(m5.ebs_optimized, EbsOptimized::Default);
        assert_eq!((m5.ebs_baseline_mbps, m5.ebs_max_mbps), (Some(650.0), Some(4750.0)));
        assert_eq!((m5.ebs_baseline_iops, m5.ebs_max_iops), (Some(3600), Some(18750)));
        assert_eq!(m5.network_performance, "Up to 10 Gigabit");
        assert_eq!((m5.network_baseline_gbps(), m5.network_peak_gbps()), (Some(0.75), Some(10.0)));
        assert_eq!(m5.hypervisor, "nitro");
        assert!(!m5.burstable && !m5.bare_metal);

        assert_eq!(t("i3.large").ena_support, EnaSupport::Supported);
        let t2 = t("t2.micro");
        assert_eq!(t2.ena_support, EnaSupport::Unsupported);
        assert_eq!(t2.ebs_optimized, EbsOptimized::Unsupported);
        assert_eq!(t2.ebs_baseline_mbps, None);
        assert_eq!(t2.network_performance, "Low to Moderate");
        assert_eq!(t2.hypervisor, "xen");
        assert!(t2.burstable);

        // Intel 82599 VF families, except m4.16xlarge which has ENA.
        assert_eq!(t("c4.8xlarge").ena_support, EnaSupport::Unsupported);
        assert_eq!(t("m4.16xlarge").ena_support, EnaSupport::Supported);

        // EBS-optimized classes.
        for name in ["c4.large", "m4.large", "m5.large", "c5.large", "r5.large", "t3.micro", "m6i.large"] {
            assert_eq!(t(name).ebs_optimized, EbsOptimized::Default, "{name}");
        }
        for name in ["m3.xlarge", "m3.2xlarge"] {
            assert_eq!(t(name).ebs_optimized, EbsOptimized::Supported, "{name}");
        }
        for name in ["t2.nano", "t2.2xlarge", "m3.medium"] {
            assert_eq!(t(name).ebs_optimized, EbsOptimized::Unsupported, "{name}");
        }
        let m3 = t("m3.xlarge");
        assert_eq!((m3.ebs_max_mbps, m3.ebs_max_iops), (Some(500.0), Some(4000)));
        let t3 = t("t3.micro");
        assert_eq!((t3.ebs_baseline_mbps, t3.ebs_max_mbps), (Some(87.0), Some(2085.0)));
        assert_eq!((t3.ebs_baseline_iops, t3.ebs_max_iops), (Some(500), Some(11800)));
        assert_eq!((t3.network_baseline_gbps(), t3.network_peak_gbps()), (Some(0.064), Some(5.0)));
        assert_eq!(t("c4.large").ebs_max_mbps, Some(500.0));
        assert_eq!(t("c4.8xlarge").ebs_max_iops, Some(32000));
        assert_eq!(t("m5.24xlarge").ebs_max_mbps, Some(19000.0));
        assert_eq!(t("c5.18xlarge").ebs_max_iops, Some(80000));
        assert_eq!(t("m6i.large").ebs_max_mbps, Some(10000.0));

        // Network performance.
        assert_eq!(t("c5n.18xlarge").network_performance, "100 Gigabit");
        assert_eq!(t("m5.24xlarge").network_performance, "25 Gigabit");
        assert_eq!(t("c5.9xlarge").network_performance, "12 Gigabit");
        assert_eq!(t("c4.8xlarge").network_performance, "10 Gigabit");
        assert_eq!(t("m3.medium").network_performance, "Moderate");
        assert_eq!(t("m6i.large").network_baseline_gbps(), Some(0.781));

        // Placement strategies: burstable and m3 types can't join cluster groups (per moto).
        let big = t("m5.24xlarge");
        for s in ["cluster", "partition", "spread"] {
            assert!(big.supports_placement(s), "{s}");
        }
        for name in ["t2.micro", "t3.micro", "t3.2xlarge", "m3.medium"] {
            assert!(!t(name).supports_placement("cluster"), "{name}");
            assert!(t(name).supports_placement("spread"), "{name}");
        }

        // Metal.
        let metal = t("m5.metal");
        assert!(metal.bare_metal);
        assert_eq!(metal.hypervisor, "");
        assert_eq!((metal.vcpus, metal.default_cores), (96, 48));

        // Cores per size, aws-facts §8.
        for (name, cores) in [
            ("m5.large", 1),
            ("m5.xlarge", 2),
            ("m5.2xlarge", 4),
            ("m5.4xlarge", 8),
            ("m5.8xlarge", 16),
            ("m5.12xlarge", 24),
            ("m5.16xlarge", 32),
            ("m5.24xlarge", 48),
            ("r5.24xlarge", 48),
            ("c5.9xlarge", 18),
            ("c5.18xlarge", 36),
            ("c5.24xlarge", 48),
        ] {
            assert_eq!(t(name).default_cores, cores, "{name}");
        }
    }

    #[test]
    fn raw_is_the_describe_instance_types_item() {
        let raw = &t("m5.large").raw;
        let keys: Vec<&str> = raw.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys[0], "InstanceType");
        assert_eq!(raw["InstanceType"], "m5.large");
        assert_eq!(raw["VCpuInfo"]["DefaultVCpus"], 2);
        assert_eq!(raw["NetworkInfo"]["EnaSupport"], "required");
        assert_eq!(raw["EbsInfo"]["EbsOptimizedSupport"], "default");
    }

    #[test]
    fn host_units() {
        let units = |n: &str| t(n).host_units();
        for n in ["t3.nano", "t3.micro", "t3.small", "t3.medium"] {
            assert_eq!(units(n), 1, "{n}");
        }
        assert_eq!(units("t3.large"), 2);
        assert_eq!(units("t3.xlarge"), 4);
        assert_eq!(units("t3.2xlarge"), 8);
        assert_eq!(units("t2.micro"), 1);
        assert_eq!(units("m5.large"), 4);
        assert_eq!(units("m5.4xlarge"), 32);
        assert_eq!(units("m5.24xlarge"), 192);
        assert_eq!(units("m5.metal"), 192);

        // aws-facts §8: T3 host 192 micro, 96 large, 48 xlarge, 24 2xlarge; m5 host 6 x 4xlarge.
        let t3 = family_host("t3").unwrap();
        assert_eq!((t3.sockets, t3.cores, t3.total_vcpus()), (2, 48, 96));
        assert_eq!(t3.host_units() / units("t3.micro"), 192);
        assert_eq!(t3.host_units() / units("t3.large"), 96);
        assert_eq!(t3.host_units() / units("t3.xlarge"), 48);
        assert_eq!(t3.host_units() / units("t3.2xlarge"), 24);
        let m5 = family_host("m5").unwrap();
        assert_eq!(m5.host_units() / units("m5.4xlarge"), 6);
        assert_eq!(
            family_host("r5").unwrap(),
            FamilyHost { family: "r5", sockets: 2, cores: 48, allows_multiple_instance_types: true }
        );
        assert_eq!(family_host("c5").unwrap().cores, 48);
        assert!(family_host("x1").is_none());

        // The largest size of every family fits on its host.
        for f in families() {
            let host = family_host(f).unwrap();
            for ty in family_types(f) {
                assert!(ty.host_units() <= host.host_units(), "{} on {f} host", ty.name);
            }
        }
    }

    #[test]
    fn images_are_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        let mut snaps = HashSet::new();
        for a in images() {
            assert!(ids.insert(a.image_id), "dup {}", a.image_id);
            assert!(names.insert(a.name), "dup {}", a.name);
            assert!(snaps.insert(a.root_snapshot_id));
            assert_eq!(a.image_id.len(), "ami-".len() + 17, "{}", a.image_id);
            assert!(a.image_id.starts_with("ami-0"));
            assert!(a.image_id[4..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            assert_eq!(a.root_snapshot_id.len(), "snap-".len() + 17);
            assert!(["x86_64", "arm64"].contains(&a.architecture));
            assert!(a.creation_date.starts_with("2025-") && a.creation_date.ends_with(".000Z"));
            assert!(a.deprecation_time > a.creation_date);
            assert!(a.image_location.ends_with(a.name));
            if a.owner_id == AMAZON_OWNER_ID {
                assert_eq!(a.owner_alias, Some("amazon"));
                assert_eq!(a.root_device_name, "/dev/xvda");
                assert_eq!(a.default_user, "ec2-user");
            } else {
                assert_eq!(a.owner_id, CANONICAL_OWNER_ID);
                assert_eq!(a.root_device_name, "/dev/sda1");
                assert_eq!(a.default_user, "ubuntu");
            }
            assert_eq!(image(a.image_id), Some(a));
        }
        let al = image("ami-025ada3602fe955f8").unwrap();
        assert_eq!(al.name, "al2023-ami-2023.9.20251110.0-kernel-6.1-x86_64");
        assert_eq!(al.description, "Amazon Linux 2023 AMI 2023.9.20251110.0 x86_64 HVM kernel-6.1");
        assert_eq!(al.imds_support, Some("v2.0"));
        let min = image("ami-0ac8d437aa4cc37d4").unwrap();
        assert_eq!(min.name, "al2023-ami-minimal-2023.9.20251110.0-kernel-6.1-arm64");
        assert_eq!(min.description, "Amazon Linux 2023 AMI 2023.9.20251110.0 arm64 Minimal HVM kernel-6.1");
        let al2 = image("ami-008f0321ea4046d3a").unwrap();
        assert_eq!(al2.name, "amzn2-ami-kernel-5.10-hvm-2.0.20251108.0-arm64-gp2");
        assert_eq!(al2.description, "Amazon Linux 2 LTS Arm64 Kernel 5.10 AMI 2.0.20251108.0 arm64 HVM gp2");
        let al2min = image("ami-0b97bd6d969ec8b05").unwrap();
        assert_eq!(al2min.name, "amzn2-ami-minimal-hvm-2.0.20251108.0-x86_64-ebs");
        assert_eq!(al2min.description, "Amazon Linux 2 AMI 2.0.20251108.0 x86_64 Minimal HVM ebs");
        assert!(image("ami-00000000000000000").is_none());
    }

    #[test]
    fn image_json_shape() {
        let al = image_json(image("ami-025ada3602fe955f8").unwrap());
        let keys: Vec<&str> = al.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.first(), Some(&"PlatformDetails"));
        assert_eq!(keys.last(), Some(&"ImageType"));
        for k in [
            "ImageId",
            "ImageLocation",
            "State",
            "OwnerId",
            "CreationDate",
            "Public",
            "Architecture",
            "ImageType",
            "Name",
            "Description",
            "RootDeviceName",
            "RootDeviceType",
            "VirtualizationType",
            "Hypervisor",
            "EnaSupport",
            "SriovNetSupport",
            "BlockDeviceMappings",
            "PlatformDetails",
            "UsageOperation",
            "ImageOwnerAlias",
            "ImdsSupport",
            "BootMode",
            "DeprecationTime",
        ] {
            assert!(al.get(k).is_some(), "{k}");
        }
        assert_eq!(al["State"], "available");
        assert_eq!(al["Public"], true);
        assert_eq!(al["ImageOwnerAlias"], "amazon");
        assert_eq!(al["ImdsSupport"], "v2.0");
        let ebs = &al["BlockDeviceMappings"][0]["Ebs"];
        assert_eq!(al["BlockDeviceMappings"][0]["DeviceName"], "/dev/xvda");
        assert_eq!((ebs["VolumeType"].as_str(), ebs["VolumeSize"].as_u64()), (Some("gp3"), Some(8)));
        assert_eq!((ebs["Iops"].as_u64(), ebs["Throughput"].as_u64()), (Some(3000), Some(125)));
        assert!(ebs["SnapshotId"].as_str().unwrap().starts_with("snap-0"));

        let ub = image_json(image("ami-0c76263cd9357123c").unwrap());
        assert!(ub.get("ImageOwnerAlias").is_none());
        assert!(ub.get("ImdsSupport").is_none());
        assert_eq!(ub["OwnerId"], CANONICAL_OWNER_ID);
        assert_eq!(ub["BlockDeviceMappings"][0]["Ebs"]["VolumeType"], "gp2");
        assert!(ub["BlockDeviceMappings"][0]["Ebs"].get("Iops").is_none());
    }

    #[test]
    fn public_parameters_resolve() {
        let params = public_parameters();
        assert!(params.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no duplicates");
        for (name, id) in params {
            assert!(image(id).is_some(), "{name} -> {id}");
            assert_eq!(public_parameter(name), Some(id.as_str()));
            assert!(name.starts_with("/aws/service/"));
        }
        // Every AMI is reachable from some parameter.
        for a in images() {
            assert!(params.iter().any(|(_, id)| id == a.image_id), "{} unreferenced", a.name);
        }
        let p = |n: &str| image(public_parameter(n).unwrap()).unwrap();
        let base = "/aws/service/ami-amazon-linux-latest/";
        for (suffix, arch, os) in [
            ("al2023-ami-kernel-default-x86_64", "x86_64", "Amazon Linux 2023"),
            ("al2023-ami-kernel-6.1-x86_64", "x86_64", "Amazon Linux 2023"),
            ("al2023-ami-kernel-default-arm64", "arm64", "Amazon Linux 2023"),
            ("al2023-ami-minimal-kernel-default-x86_64", "x86_64", "Amazon Linux 2023"),
            ("al2023-ami-minimal-kernel-default-arm64", "arm64", "Amazon Linux 2023"),
            ("amzn2-ami-hvm-x86_64-gp2", "x86_64", "Amazon Linux 2"),
            ("amzn2-ami-kernel-5.10-hvm-x86_64-gp2", "x86_64", "Amazon Linux 2"),
        ] {
            let a = p(&format!("{base}{suffix}"));
            assert_eq!((a.architecture, a.os_name), (arch, os), "{suffix}");
            assert_eq!(a.minimal, suffix.contains("minimal"), "{suffix}");
        }
        assert_eq!(p(&format!("{base}amzn2-ami-kernel-5.10-hvm-x86_64-gp2")).kernel, "5.10");
        assert_eq!(p(&format!("{base}amzn2-ami-hvm-x86_64-gp2")).kernel, "4.14");
        assert_eq!(p(&format!("{base}amzn2-ami-hvm-x86_64-ebs")).root_volume_type, "standard");
        let noble = p("/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id");
        assert_eq!((noble.os_name, noble.root_volume_type), ("Ubuntu 24.04 LTS", "gp3"));
        let jammy = p("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id");
        assert_eq!((jammy.os_name, jammy.root_volume_type), ("Ubuntu 22.04 LTS", "gp2"));
        assert!(public_parameter("/aws/service/ami-amazon-linux-latest/nope").is_none());
    }
}
