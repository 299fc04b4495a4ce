<?php

declare(strict_types=1);

namespace MindboxTests\Bitrix;

use PHPUnit\Framework\TestCase;

/** Every message the module uses exists in Russian and in English. */
final class LangTest extends TestCase
{
    private const MODULE = __DIR__ . '/../../bitrix-module';

    private static function messages(string $file): array
    {
        $MESS = [];
        include $file;
        return $MESS;
    }

    public function testRussianAndEnglishHaveTheSameFilesAndKeys(): void
    {
        $files = static fn (string $lang) => array_map(
            static fn (string $f) => substr($f, strlen(self::MODULE . "/lang/$lang/")),
            glob(self::MODULE . "/lang/$lang/{,*/,*/*/}*.php", GLOB_BRACE)
        );
        $this->assertSame($files('ru'), $files('en'));
        foreach ($files('ru') as $file) {
            $this->assertSame(
                array_keys(self::messages(self::MODULE . "/lang/ru/$file")),
                array_keys(self::messages(self::MODULE . "/lang/en/$file")),
                $file
            );
        }
    }

    public function testEveryMessageCodeUsedIsDefinedNextToItsFile(): void
    {
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::MODULE . '/lib'));
        $sources = array_merge(
            [self::MODULE . '/install/index.php', self::MODULE . '/options.php', self::MODULE . '/admin/menu.php', self::MODULE . '/admin/outbox.php', self::MODULE . '/admin/feed.php',
                self::MODULE . '/admin/history.php', self::MODULE . '/admin/order.php'],
            array_keys(iterator_to_array(new \RegexIterator($iterator, '/\.php$/')))
        );
        $defined = [];
        foreach (glob(self::MODULE . '/lang/en/{,*/,*/*/}*.php', GLOB_BRACE) as $file) {
            $defined += self::messages($file);
        }
        foreach ($sources as $source) {
            preg_match_all("/getMessage\\('(RUSTBOX_MINDBOX_[A-Z_]+)'[,)]/", file_get_contents($source), $matches);
            foreach ($matches[1] as $code) {
                $this->assertArrayHasKey($code, $defined, "$code used in $source");
            }
        }
    }

    /**
     * Loc::loadMessages(__FILE__) reads lang/<id>/<the file's path in the module>: a class that moved without its
     * message file would show empty texts.
     */
    public function testEveryClassThatLoadsMessagesFindsItsCodesInItsOwnMessageFile(): void
    {
        $checked = 0;
        foreach (new \RegexIterator(new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::MODULE . '/lib')), '/\.php$/') as $file) {
            $source = file_get_contents($file->getPathname());
            if (!str_contains($source, 'Loc::loadMessages(__FILE__)')) {
                continue;
            }
            preg_match_all("/getMessage\\('(RUSTBOX_MINDBOX_[A-Z_]+)'[,)]/", $source, $matches);
            $relative = substr($file->getPathname(), strlen(self::MODULE . '/'));
            foreach (['ru', 'en'] as $lang) {
                $messages = self::messages(self::MODULE . "/lang/$lang/$relative");
                foreach ($matches[1] as $code) {
                    $this->assertArrayHasKey($code, $messages, "$code of $relative in $lang");
                    $checked++;
                }
            }
        }
        $this->assertGreaterThan(0, $checked);
    }

    /** A component's message files sit next to the file they serve (lang/<id>/…), as the core loads them. */
    public function testTheComponentsTextsExistInBothLanguagesNextToTheirFiles(): void
    {
        $components = self::MODULE . '/install/components';
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($components, \FilesystemIterator::SKIP_DOTS));
        $checked = 0;
        foreach ($iterator as $file) {
            $path = $file->getPathname();
            if ($file->getExtension() !== 'php' || str_contains($path, '/lang/')) {
                continue;
            }
            preg_match_all("/getMessage\\('(RUSTBOX_MINDBOX_[A-Z_]+)'[,)]/", file_get_contents($path), $matches);
            if ($matches[1] === []) {
                continue;
            }
            $messages = [];
            foreach (['ru', 'en'] as $lang) {
                $langFile = dirname($path) . "/lang/$lang/" . basename($path);
                $this->assertFileExists($langFile);
                $messages[$lang] = self::messages($langFile);
            }
            $this->assertSame(array_keys($messages['ru']), array_keys($messages['en']), $path);
            foreach ($matches[1] as $code) {
                $this->assertArrayHasKey($code, $messages['en'], "$code used in $path");
                $checked++;
            }
        }
        $this->assertGreaterThan(0, $checked);
    }
}
