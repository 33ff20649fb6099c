//! Hardware failures and their consequences: `lab fail|repair rack|host|az`, system status
//! checks, automatic recovery and scheduled events.
