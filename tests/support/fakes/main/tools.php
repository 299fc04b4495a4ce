<?php
// main/tools.php: the helpers installers copy and delete their files with (CheckDirPath(), CopyDirFiles(),
// DeleteDirFiles()) and the session's token against cross-site requests (bitrix_sessid() and its kin), as the real ones
// behave. BX_DIR_PERMISSIONS and BX_FILE_PERMISSIONS come from a site's dbconn.php, which the installation writes with
// these values.

defined('BX_DIR_PERMISSIONS') || define('BX_DIR_PERMISSIONS', 0755);
defined('BX_FILE_PERMISSIONS') || define('BX_FILE_PERMISSIONS', 0644);

/** Makes the folders of $path (its file name dropped unless it ends with "/"); true when the folder is there. */
function CheckDirPath($path, $bPermission = true)
{
    $path = str_replace(['\\', '//'], '/', $path);
    if (!str_ends_with($path, '/')) {
        $path = substr($path, 0, (int)strrpos($path, '/'));
    }
    $path = rtrim($path, '/');
    if ($path === '') {
        return true;
    }
    if (!file_exists($path)) {
        return mkdir($path, BX_DIR_PERMISSIONS, true);
    }
    return is_dir($path);
}

/**
 * A file to a file, or the files of a folder into a folder (made when missing), its subfolders too with $Recursive;
 * an existing file is overwritten only with $ReWrite. Nothing is copied into the source itself (false); a source that
 * does not exist is no error (true).
 */
function CopyDirFiles(
    $path_from,
    $path_to,
    $ReWrite = true,
    $Recursive = false,
    $bDeleteAfterCopy = false,
    $strExclude = ''
) {
    if (str_starts_with($path_to . '/', $path_from . '/') || realpath($path_to) === realpath($path_from)) {
        return false;
    }
    if (is_file($path_from)) {
        CheckDirPath(substr($path_to, 0, (int)strrpos($path_to, '/')) . '/');
        if (file_exists($path_to) && !$ReWrite) {
            return false;
        }
        @copy($path_from, $path_to);
        if (is_file($path_to)) {
            @chmod($path_to, BX_FILE_PERMISSIONS);
        }
        if ($bDeleteAfterCopy) {
            @unlink($path_from);
        }
        return true;
    }
    if (!is_dir($path_from)) {
        return true;
    }
    CheckDirPath($path_to . '/');
    $handle = @opendir($path_from);
    if ($handle === false) {
        return false;
    }
    while (($file = readdir($handle)) !== false) {
        if ($file === '.' || $file === '..' || ($strExclude !== '' && str_starts_with($file, $strExclude))) {
            continue;
        }
        if (is_dir($path_from . '/' . $file) && $Recursive) {
            CopyDirFiles($path_from . '/' . $file, $path_to . '/' . $file, $ReWrite, $Recursive, $bDeleteAfterCopy, $strExclude);
            if ($bDeleteAfterCopy) {
                @rmdir($path_from . '/' . $file);
            }
        } elseif (is_file($path_from . '/' . $file)) {
            if (file_exists($path_to . '/' . $file) && !$ReWrite) {
                continue;
            }
            @copy($path_from . '/' . $file, $path_to . '/' . $file);
            @chmod($path_to . '/' . $file, BX_FILE_PERMISSIONS);
            if ($bDeleteAfterCopy) {
                @unlink($path_from . '/' . $file);
            }
        }
    }
    closedir($handle);
    if ($bDeleteAfterCopy) {
        @rmdir($path_from);
    }
    return true;
}

/**
 * For each entry of the folder $frDir but those in $arExept, unlinks the entry of that name in $toDir: the files go,
 * folders stay (unlink() refuses them, silenced), and nothing below the first level is touched.
 */
function DeleteDirFiles($frDir, $toDir, $arExept = [])
{
    if (!is_dir($frDir)) {
        return;
    }
    $d = dir($frDir);
    while ($entry = $d->read()) {
        if ($entry === '.' || $entry === '..' || in_array($entry, $arExept)) {
            continue;
        }
        @unlink($toDir . '/' . $entry);
    }
    $d->close();
}

/**
 * The session's token against cross-site requests (main/tools.php): made once per session and kept in it
 * (fixed_session_id; the core's is md5 of the server's id and the session id, here random).
 */
function bitrix_sessid()
{
    if (!isset($_SESSION['fixed_session_id'])) {
        $_SESSION['fixed_session_id'] = md5(random_bytes(16));
    }
    return $_SESSION['fixed_session_id'];
}

/**
 * The token sent with the request, compared strictly. The core reads $_REQUEST[$varname] (the query and the posted
 * form) or the X-Bitrix-Csrf-Token header; here the request of the hit's context, the way FakeShop::visit() posts.
 */
function check_bitrix_sessid($varname = 'sessid')
{
    return \Bitrix\Main\Context::getCurrent()->getRequest()->get($varname) === bitrix_sessid();
}

function bitrix_sessid_get($varname = 'sessid')
{
    return $varname . '=' . bitrix_sessid();
}

function bitrix_sessid_post($varname = 'sessid')
{
    return '<input type="hidden" name="' . $varname . '" id="' . $varname . '" value="' . bitrix_sessid() . '" />';
}
