<?php
// The text helpers of main/tools.php that result sets use: htmlspecialcharsEx(), FormatText() and TxtToHTML().

/**
 * Escapes <, > and " and re-escapes entities already there, but leaves a bare & and ' alone: a value it returns is
 * not safe XML.
 */
function htmlspecialcharsEx($str)
{
    if (is_array($str)) {
        return array_map('htmlspecialcharsEx', $str);
    }
    return str_replace(
        ['&amp;', '&lt;', '&gt;', '&quot;', '&#34;', '&#x22;', '&#39;', '&#x27;', '<', '>', '"'],
        ['&amp;amp;', '&amp;lt;', '&amp;gt;', '&amp;quot;', '&amp;#34;', '&amp;#x22;', '&amp;#39;', '&amp;#x27;', '&lt;', '&gt;', '&quot;'],
        (string)$str
    );
}

/** An "html" text as it is, any other through TxtToHTML(). */
function FormatText($strText, $strTextType = 'text')
{
    return strtolower((string)$strTextType) === 'html' ? $strText : TxtToHTML($strText);
}

/**
 * Plain text as HTML with the defaults: & left as it is, < > " ' % ( ) + as entities, line breaks as <br />, runs of
 * spaces and tabs as &nbsp;. The real one also turns URLs and e-mails into links; the fakes' texts carry none.
 */
function TxtToHTML($str)
{
    $str = str_replace(
        ['<', '>', '"', "'", '%', ')', '(', '+'],
        ['&lt;', '&gt;', '&quot;', '&#39;', '&#37;', '&#41;', '&#40;', '&#43;'],
        (string)$str
    );
    $str = str_replace("\n", "<br />\n", str_replace("\r\n", "\n", $str));
    return str_replace(['  ', "\t"], ['&nbsp;&nbsp;', '&nbsp;&nbsp;&nbsp;&nbsp;'], $str);
}
