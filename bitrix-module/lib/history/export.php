<?php

namespace Rustbox\Mindbox\History;

use Bitrix\Main\Type\DateTime;
use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Mappers\CustomerRow;
use Rustbox\Mindbox\Mappers\OrderRows;
use Rustbox\Mindbox\Shop\Customers;
use Rustbox\Mindbox\Shop\Subscriptions;

/**
 * One stretch of a run, in the process that holds the run's lock: parts sent in their order as soon as they are
 * sealed, pages read and written between sends, the state saved after each. The writer lives as long as the stretch:
 * at its end the open part is checkpointed, so the next stretch carries it on (a part is sealed only full or at its
 * entity's end: steps of an agent or the admin page make parts as large as one command line run, each import of the
 * hourly budget worth its while), and if the stretch fails what it wrote since the checkpoint is dropped.
 */
final class Export
{
    private ?PartWriter $writer = null;

    /** @param null|callable(array): void $progress given the run's status after each page and each part */
    public function __construct(private readonly Settings $settings, private readonly JobState $state, private readonly mixed $progress = null)
    {
    }

    /**
     * Carries the run on until $deadline (a page at least), sending what is sealed first. While Mindbox defers
     * sending: with $wait it sleeps until it may send again, else the stretch ends there.
     *
     * @return bool true when everything is written and sent: the run is complete
     */
    public function advance(float $deadline, bool $wait): bool
    {
        $worked = false;
        try {
            while ($this->state->status === JobState::RUNNING && $this->sendSealed($wait)) {
                if ($this->state->phase === JobState::SEND) {
                    return true;
                }
                if ($worked && microtime(true) >= $deadline) {
                    break;
                }
                $this->writePage();
                $worked = true;
            }
        } catch (\Throwable $e) {
            $this->writer?->abort();
            $this->writer = null;
            throw $e;
        } finally {
            if ($this->writer !== null) {
                $this->writer->checkpoint();
                $this->writer = null;
                $this->save();
            }
        }
        return false;
    }

    /** @return bool false when the stretch must end: Mindbox defers and there is no waiting, or it refused a part */
    private function sendSealed(bool $wait): bool
    {
        $sender = new PartSender($this->settings);
        foreach ($this->state->unsent() as $index) {
            $part = $this->state->parts[$index];
            do {
                if (!$this->mayAsk($wait)) {
                    return false;
                }
                $outcome = $sender->send($part['entity'], $this->state->setup['directory'] . '/' . $part['file'], $part['transactionId']);
                if ($outcome['outcome'] === PartSender::DEFERRED) {
                    // Never sooner than a second from now: a retryAt in the past would spin.
                    $this->state->retryAt = max($outcome['retryAt'], time() + 1);
                    $this->state->waitReason = $outcome['reason'];
                    $this->save();
                }
            } while ($outcome['outcome'] === PartSender::DEFERRED);
            $this->state->retryAt = null;
            $this->state->waitReason = null;
            if ($outcome['outcome'] === PartSender::REFUSED) {
                $this->state->parts[$index] += ['refusal' => $outcome['message'], 'answer' => $outcome['answer'] ?? null];
                $this->state->status = JobState::FAILED;
                $this->state->error = sprintf('Mindbox refused part %s: %s', $part['file'], $outcome['message']);
                $this->save();
                return false;
            }
            $this->state->parts[$index] = ['state' => JobState::SENT, 'sentAt' => time(), 'answer' => $outcome['answer'],
                'alreadyProcessed' => $outcome['alreadyProcessed']] + $this->state->parts[$index];
            @unlink($this->state->setup['directory'] . '/' . $part['file']);
            $this->save();
        }
        return true;
    }

    /** Whether Mindbox may be asked now, after sleeping until it may when $wait. */
    private function mayAsk(bool $wait): bool
    {
        while ($this->state->retryAt !== null && $this->state->retryAt > time()) {
            if (!$wait) {
                return false;
            }
            $this->report();
            sleep(max(1, $this->state->retryAt - time()));
        }
        return true;
    }

    /** Reads and writes the current entity's next page; an entity read to its end seals its last part. */
    private function writePage(): void
    {
        $entity = $this->state->phase;
        $this->writer ??= new PartWriter($this->state, $entity, $this->state->setup['columns'][$entity]);
        [$records, $lastId, $count] = $entity === JobState::CUSTOMERS ? $this->customers() : $this->orders();
        if ($count > 0) {
            $this->writer->page($records, $lastId, $count);
        } else {
            $this->writer->finish();
            $this->writer = null;
            $this->state->phase = $this->state->entitiesLeft()[1] ?? JobState::SEND;
            $this->state->cursor = 0;
            $this->state->open = ['part' => 1, 'fromId' => 0, 'readBefore' => 0];
        }
        $this->save();
    }

    /** @return array{0: list<array{id: int, at: int, rows: list<array>}>, 1: int, 2: int} the records with rows, the last id, the count read */
    private function customers(): array
    {
        $setup = $this->state->setup;
        $reader = new CustomerReader($setup['bounds'][JobState::CUSTOMERS], $this->since(), $setup['pageSize']);
        $users = $reader->page($this->state->cursor);
        $customers = array_filter($users, Customers::isCustomer(...));
        $subscribed = Subscriptions::ofEmails(array_map(static fn (array $user) => (string)$user['EMAIL'], $customers));
        $mapper = new CustomerRow($this->settings, $setup['dateFormat'], $setup['dayFormat'], $setup['pointOfContact']);
        $records = [];
        foreach ($customers as $at => $user) {
            $email = mb_strtolower(trim((string)$user['EMAIL']));
            $records[] = ['id' => (int)$user['ID'], 'at' => $at, 'rows' => [$mapper->row($user, $subscribed[$email] ?? null)]];
        }
        return [$records, $users === [] ? 0 : (int)end($users)['ID'], count($users)];
    }

    /** @return array{0: list<array{id: int, at: int, rows: list<array>}>, 1: int, 2: int} */
    private function orders(): array
    {
        $setup = $this->state->setup;
        $reader = new OrderReader($this->settings->siteId(), $setup['bounds'][JobState::ORDERS], $this->since(), $setup['pageSize']);
        $orders = $reader->page($this->state->cursor);
        $mapper = new OrderRows($this->settings, $setup['dateFormat'], $setup['pointOfContact']);
        $records = [];
        foreach ($orders as $at => $order) {
            $rows = $mapper->rows($order);
            if ($rows !== []) {
                $records[] = ['id' => $order->getId(), 'at' => $at, 'rows' => $rows];
            }
        }
        return [$records, $orders === [] ? 0 : end($orders)->getId(), count($orders)];
    }

    private function since(): ?DateTime
    {
        return self::sinceOf($this->state->setup['since']);
    }

    /** The run's `since` (Y-m-d, the site's time) as the core's queries take it. */
    public static function sinceOf(?string $since): ?DateTime
    {
        return $since === null ? null : new DateTime($since . ' 00:00:00', 'Y-m-d H:i:s');
    }

    private function save(): void
    {
        $this->state->save($this->settings->siteId());
        $this->report();
    }

    private function report(): void
    {
        if ($this->progress !== null) {
            ($this->progress)($this->state->status($this->settings->history()->importsPerHour()));
        }
    }
}
