//! `mindbox.so`: a native Mindbox v3 client for PHP. `core` holds the logic and knows nothing of
//! PHP; `php` is the binding.

pub mod core;
// The binding references Zend symbols that only exist inside a PHP process, so the unit-test
// binary, which is not loaded by PHP, leaves it out.
#[cfg(not(test))]
mod php;
