//! The Mindbox v3 contract as the emulator enforces it: the checks a call must pass before it is
//! processed, and the bodies Mindbox answers with (ARCHITECTURE.md, "The Mindbox wire
//! contract"). It knows nothing of HTTP plumbing or of the emulator's state.

mod answers;
mod call;
mod checks;
mod credentials;

pub use answers::{
    already_processed, balance_answer, default_answer, error_body_for_status, mindbox_status,
    protocol_error, success, validation_error,
};
pub use call::{Accounts, Body, Call, Caller, Rejection};
pub use credentials::mask_authorization;
