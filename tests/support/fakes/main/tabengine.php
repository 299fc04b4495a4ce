<?php
// The custom tabs of an admin form (main/interface/admin_tabengine.php, CAdminTabEngine): what the sale module's order
// pages (sale/admin/order_view.php, order_edit.php) build their extra tabs with.

/**
 * Made with an event's name and its arguments: every handler of main:<name> is called the old way with the arguments
 * as its one value, and each array it returns is kept under its TABSET (a later one with the same TABSET replaces the
 * earlier). GetTabs() gathers each set's GetTabs($args), each tab's DIV prefixed with "<TABSET>_"; ShowTab($div) calls
 * ShowTab(<div without the prefix>, $args, $varsFromForm) of the set whose prefix it has; Check() and Action() call
 * every set's that has one and answer whether all said true. Without handlers nothing is shown and all passes.
 */
class CAdminTabEngine
{
    public $name;
    public $bInited = false;
    public $arEngines = [];
    public $arArgs = [];
    public $bVarsFromForm = false;

    public function __construct($name, $arArgs = [])
    {
        $this->name = $name;
        $this->arArgs = $arArgs;
        foreach (GetModuleEvents('main', $name, true) as $handler) {
            $set = ExecuteModuleEventEx($handler, [$arArgs]);
            if (is_array($set)) {
                $this->arEngines[$set['TABSET']] = $set;
            }
            $this->bInited = true;
        }
    }

    public function SetErrorState($bVarsFromForm = false)
    {
        $this->bVarsFromForm = $bVarsFromForm;
    }

    public function Check()
    {
        return $this->everySet('Check');
    }

    public function Action()
    {
        return $this->everySet('Action');
    }

    public function GetTabs()
    {
        if (!$this->bInited) {
            return false;
        }
        $tabs = [];
        foreach ($this->arEngines as $tabset => $set) {
            $own = isset($set['GetTabs']) ? call_user_func($set['GetTabs'], $this->arArgs) : null;
            foreach (is_array($own) ? $own : [] as $tab) {
                $tabs[] = ['DIV' => $tabset . '_' . $tab['DIV']] + $tab;
            }
        }
        return $tabs;
    }

    public function ShowTab($divName)
    {
        if (!$this->bInited) {
            return false;
        }
        foreach ($this->arEngines as $tabset => $set) {
            if (str_starts_with($divName, $tabset . '_') && isset($set['ShowTab'])) {
                call_user_func($set['ShowTab'], substr($divName, strlen($tabset) + 1), $this->arArgs, $this->bVarsFromForm);
            }
        }
        return null;
    }

    private function everySet(string $callback): bool
    {
        $all = true;
        foreach ($this->bInited ? $this->arEngines : [] as $set) {
            if (isset($set[$callback]) && !call_user_func($set[$callback], $this->arArgs)) {
                $all = false;
            }
        }
        return $all;
    }
}
