//! The CSV parts of a bulk import: written in constant memory, cut under a size and a row count,
//! each sealed under its own transactionId.
