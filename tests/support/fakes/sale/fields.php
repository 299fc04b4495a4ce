<?php
// The field store of every sale entity, as sale/lib/internals/fields.php keeps it: the first change of a field
// remembers its old value, setting it back (loosely equal) forgets the change, a value loosely equal to the one held
// is no change and leaves the held value as it was, and values given at construction or through init() are not
// changes. Entities hand it out through getFields() (sale/lib/internals/entity.php).

namespace Bitrix\Sale\Internals {

    class Fields
    {
        private array $original = [];

        public function __construct(private array $values = [])
        {
        }

        public function get($name)
        {
            return $this->values[$name] ?? null;
        }

        /** Fields::set() → markChanged(): false (and nothing set) when the value is no change. */
        public function set($name, $value): bool
        {
            $old = $this->values[$name] ?? null;
            if ($old == $value && !($old === null && $value !== null)) {
                return false;
            }
            if (!array_key_exists($name, $this->original)) {
                $this->original[$name] = $old;
            } elseif ($this->original[$name] == $value) {
                unset($this->original[$name]);
            }
            $this->values[$name] = $value;
            return true;
        }

        /** A value read from the database: not a change. */
        public function init($name, $value): void
        {
            $this->values[$name] = $value;
        }

        public function getValues(): array
        {
            return $this->values;
        }

        public function isChanged($name): bool
        {
            return array_key_exists($name, $this->original);
        }

        public function getChangedKeys(): array
        {
            return array_keys($this->original);
        }

        /** @return array<string, mixed> the old value of each field changed since the last clearChanged() */
        public function getOriginalValues(): array
        {
            return $this->original;
        }

        public function getChangedValues(): array
        {
            return array_intersect_key($this->values, $this->original);
        }

        public function clearChanged(): void
        {
            $this->original = [];
        }
    }
}
