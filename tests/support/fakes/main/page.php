<?php
// What a page is made of: its assets (main/lib/page/asset.php, assetlocation.php), components
// (main/classes/general/component.php) and the escaping of main/tools.php.

namespace Bitrix\Main\Page {

    class AssetLocation
    {
        public const BEFORE_CSS = 'BEFORE_CSS';
        public const AFTER_CSS = 'AFTER_CSS';
        public const AFTER_JS_KERNEL = 'AFTER_JS_KERNEL';
        public const AFTER_JS = 'AFTER_JS';
        public const BODY_END = 'BODY_END';
    }

    class Asset
    {
        private static ?Asset $instance = null;
        private array $strings = [];

        public static function getInstance()
        {
            return self::$instance ??= new self();
        }

        public static function fakeReset(): void
        {
            self::$instance = null;
        }

        public function addString($str, $unique = false, $location = AssetLocation::AFTER_JS_KERNEL, $mode = null)
        {
            if ($unique && in_array($str, array_column($this->strings, 'string'), true)) {
                return true;
            }
            $this->strings[] = ['string' => $str, 'location' => $location];
            return true;
        }

        public function fakeStrings(): array
        {
            return $this->strings;
        }
    }
}

namespace {

    /**
     * A component: arParams and arResult, a template found in the component's templates/<name or .default>/template.php
     * with its lang file loaded, and $arResult, $arParams, $component and $templateFolder in the template's scope.
     */
    class CBitrixComponent
    {
        public $arParams = [];
        public $arResult = [];
        private string $fakeName = '';
        private string $fakeTemplateName = '';
        private string $fakePath = '';

        public function fakeInit(string $name, string $templateName, string $path): void
        {
            $this->fakeName = $name;
            $this->fakeTemplateName = $templateName;
            $this->fakePath = $path;
        }

        public function onPrepareComponentParams($arParams)
        {
            return $arParams;
        }

        public function executeComponent()
        {
            $this->includeComponentTemplate();
        }

        public function includeComponentTemplate($templatePage = '')
        {
            $templateName = $this->fakeTemplateName !== '' ? $this->fakeTemplateName : '.default';
            $templateFolder = $this->fakePath . '/templates/' . $templateName;
            $file = $templateFolder . '/' . ($templatePage !== '' ? $templatePage : 'template') . '.php';
            \Bitrix\Main\Localization\Loc::loadMessages($file);
            (static function (string $file, array $arParams, array $arResult, CBitrixComponent $component, string $templateFolder): void {
                include $file;
            })($file, $this->arParams, $this->arResult, $this, $templateFolder);
        }

        public function getName()
        {
            return $this->fakeName;
        }

        public function getTemplateName()
        {
            return $this->fakeTemplateName;
        }

        public function getPath()
        {
            return $this->fakePath;
        }
    }

    function htmlspecialcharsbx($string, $flags = ENT_COMPAT, $doubleEncode = true)
    {
        return htmlspecialchars((string)$string, $flags, 'UTF-8', $doubleEncode);
    }
}
