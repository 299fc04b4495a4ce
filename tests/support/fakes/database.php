<?php
// No core file: the database a real site's processes share (MySQL), for a fake site run in several processes.

namespace MindboxTests\Bitrix\Fakes;

use Bitrix\Main\Config\Option;
use Bitrix\Main\EventManager;
use Bitrix\Main\ModuleManager;
use Bitrix\Sale;

/**
 * The fake core's tables in a folder, one file each, so that what one process of a fake site (FakeSite, spec
 * `database`) wrote the next one reads, as the tables of a real site outlive its hits. Each fake keeps its rows in
 * static properties, as it does for a single process; here they are read at the start of a process and written at its
 * end (each file written whole and renamed into place), b_option through Option::fakePersist().
 *
 * A process holds the folder's lock from the start to the end: the site's hits run one after another, as if each were
 * one serializable transaction. A real site's hits interleave; these see only outcomes that interleaving could give,
 * and no write of one is lost to another that loaded the tables before it.
 */
final class FakeDatabase
{
    /**
     * Table => [the fake holding it, its static properties: the rows and the next AUTO_INCREMENT]. b_module_to_module
     * is EventManager's instance's; the fakes' per-hit state (the current shopper, the session's user) is not here.
     */
    private const TABLES = [
        'b_module' => [ModuleManager::class, ['installed']],
        'b_agent' => [\CAgent::class, ['agents', 'nextId']],
        'b_event_log' => [\CEventLog::class, ['entries']],
        'b_admin_notify' => [\CAdminNotify::class, ['notices', 'nextId']],
        'b_user' => [\CUser::class, ['users', 'nextId']],
        'b_sale_discount' => [\CSaleDiscount::class, ['rows', 'nextId']],
        'b_sale_fuser' => [Sale\Fuser::class, ['users', 'nextId']],
        'b_sale_order' => [Sale\Order::class, ['stored', 'nextId']],
        'b_sale_order_payment' => [Sale\Payment::class, ['nextId']],
        'b_sale_basket' => [Sale\Basket::class, ['rows', 'nextItemId', 'clock']],
    ];

    /** @var resource */
    private $lock;

    private function __construct(private readonly string $dir)
    {
    }

    /** Waits for the folder's lock, then loads every table it holds over the fakes' (just reset) ones. */
    public static function open(string $dir): self
    {
        if (!is_dir($dir)) {
            mkdir($dir, 0700, true);
        }
        $database = new self($dir);
        $database->lock = fopen($dir . '/.lock', 'c');
        // A signal (PHP-FPM's reload ending an idle worker, say) interrupts the wait, which then answers false.
        for ($tries = 0; !flock($database->lock, LOCK_EX); $tries++) {
            if ($tries === 100) {
                throw new \RuntimeException("cannot lock the fake site's database in $dir");
            }
        }
        foreach (self::TABLES as $table => [$class, $properties]) {
            $file = $dir . '/' . $table;
            if (is_file($file)) {
                $rows = unserialize((string)file_get_contents($file));
                foreach ($properties as $property) {
                    (new \ReflectionProperty($class, $property))->setValue(null, $rows[$property]);
                }
            }
        }
        if (is_file($dir . '/b_module_to_module')) {
            (new \ReflectionProperty(EventManager::class, 'rows'))->setValue(EventManager::getInstance(), unserialize((string)file_get_contents($dir . '/b_module_to_module')));
        }
        Option::fakePersist($dir . '/b_option.json');
        return $database;
    }

    /** Writes every table and lets the next process in. */
    public function close(): void
    {
        foreach (self::TABLES as $table => [$class, $properties]) {
            $rows = [];
            foreach ($properties as $property) {
                $rows[$property] = (new \ReflectionProperty($class, $property))->getValue();
            }
            $this->write($table, $rows);
        }
        $this->write('b_module_to_module', EventManager::getInstance()->fakeRows());
        flock($this->lock, LOCK_UN);
        fclose($this->lock);
    }

    /** @return array the rows the site's processes left in $table, for a test's checks (b_option: Option's JSON) */
    public static function table(string $dir, string $table): array
    {
        $file = $dir . '/' . $table;
        if (!is_file($file)) {
            return [];
        }
        $contents = (string)file_get_contents($file);
        return (array)($table === 'b_option.json' ? json_decode($contents, true) : unserialize($contents));
    }

    private function write(string $table, array $rows): void
    {
        $temporary = $this->dir . '/' . $table . '.' . getmypid();
        file_put_contents($temporary, serialize($rows));
        rename($temporary, $this->dir . '/' . $table);
    }
}
