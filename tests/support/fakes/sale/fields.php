<?php
// The field store of every sale entity, as sale/lib/internals/fields.php keeps it: the first change of a field
// remembers its old value, setting it back forgets the change, the comparison is loose, and values given at
// construction or through init() are not changes.

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

        /** Records the change, as Fields::set() → markChanged() does. */
        public function set($name, $value): void
        {
            $old = $this->values[$name] ?? null;
            if ($old != $value || ($old === null && $value !== null)) {
                if (!array_key_exists($name, $this->original)) {
                    $this->original[$name] = $old;
                } elseif ($this->original[$name] == $value && !($this->original[$name] === null && $value !== null)) {
                    unset($this->original[$name]);
                }
            }
            $this->values[$name] = $value;
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
