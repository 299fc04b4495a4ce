<?php
// Messages (main/lib/localization/loc.php).

namespace Bitrix\Main\Localization {

    /**
     * Message files: for /a/b/lib/x.php the nearest folder above holding lang/ (here /a/b) gives
     * /a/b/lang/<language>/lib/x.php, which fills $MESS.
     */
    final class Loc
    {
        private static array $messages = [];
        private static ?string $language = null;

        public static function fakeReset(): void
        {
            self::$messages = [];
            self::$language = null;
        }

        public static function setCurrentLang($language)
        {
            self::$language = $language;
        }

        public static function getCurrentLang()
        {
            return self::$language ?? (defined('LANGUAGE_ID') ? LANGUAGE_ID : 'en');
        }

        public static function loadMessages($file)
        {
            $language = self::getCurrentLang();
            foreach (self::loadLanguageFile($file, $language) as $code => $message) {
                self::$messages[$language][$code] = $message;
            }
        }

        public static function loadLanguageFile($file, $language = null, $normalize = true)
        {
            $language ??= self::getCurrentLang();
            $dir = dirname($file);
            while ($dir !== dirname($dir) && !is_dir($dir . '/lang')) {
                $dir = dirname($dir);
            }
            $langFile = $dir . '/lang/' . $language . substr($file, strlen($dir));
            if (!is_file($langFile)) {
                return [];
            }
            return (static function (string $langFile): array {
                $MESS = [];
                include $langFile;
                return $MESS;
            })($langFile);
        }

        public static function getMessage($code, $replace = null, $language = null)
        {
            $message = self::$messages[$language ?? self::getCurrentLang()][$code] ?? null;
            if ($message !== null && is_array($replace)) {
                $message = strtr($message, $replace);
            }
            return $message;
        }
    }
}
