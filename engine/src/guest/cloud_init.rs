//! (being built for issue 4)

use crate::console::shell::{CmdOut, Invocation};
use crate::console::Machine;

pub(crate) fn command(m: &mut Machine, inv: &Invocation) -> Option<CmdOut> {
    let _ = (m, inv);
    None
}

pub(crate) fn has_command(m: &Machine, name: &str) -> bool {
    let _ = (m, name);
    false
}

/// Run this boot's cloud-init stages for instance `id`, whose OS starts at `at`.
pub fn boot(world: &mut crate::World, id: &str, at: crate::clock::Time) {
    let _ = (world, id, at);
}
