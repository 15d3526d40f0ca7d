//! The whole road ahead of a lane: what "n changes waiting" and "bytes waiting" count.
//! [`crate::plan`] gives only what can be sent now; a listing not yet created hides its
//! photos and publishing behind the `Create`.

use crate::{
    Confirmed, Done, InFlight, Listing, Operation, RemoteId, RemoteImageId, confirm, plan,
};

/// Every operation the lane still needs if each one succeeds, in order, those that wait
/// for a create included. It stops at a look-up, whose answer nobody can foresee, and
/// does not look past operations under way.
pub fn ahead(
    desired: Option<&Listing>,
    confirmed: Option<&Confirmed>,
    in_flight: &[InFlight],
) -> Vec<Operation> {
    let mut road = plan(desired, confirmed, in_flight);
    if !in_flight.is_empty() || road.contains(&Operation::Reconcile) {
        return road;
    }
    let mut state = confirmed.cloned();
    let mut done = 0;
    // A create, then its photos and the rest; one more pass for what they unlock.
    for _ in 0..3 {
        for (n, op) in road[done..].iter().enumerate() {
            let answer = match op {
                Operation::Create { .. } => Done::Created(RemoteId::new("ahead")),
                Operation::UploadPhoto { .. } => {
                    Done::Uploaded(RemoteImageId::new(format!("ahead-{}", done + n)))
                }
                _ => Done::Applied,
            };
            state = match confirm(state.as_ref(), op, answer) {
                Ok(next) => next,
                Err(_) => return road,
            };
        }
        done = road.len();
        let more = plan(desired, state.as_ref(), &[]);
        if more.is_empty() {
            break;
        }
        road.extend(more);
    }
    road
}
