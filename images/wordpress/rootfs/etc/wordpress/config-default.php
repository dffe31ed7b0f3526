<?php
/*
 * WordPress's settings in a Portique service: every value comes from the service's environment and secrets
 * (passed to PHP by Apache's PassEnv, see /usr/local/bin/portique-wordpress), none is written here.
 * Debian's /usr/share/wordpress/wp-config.php reads this file, then sets what is left to its defaults.
 */
function portique_setting($name, $default)
{
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
}

define('DB_HOST', portique_setting('WORDPRESS_DB_HOST', 'db'));
define('DB_NAME', portique_setting('WORDPRESS_DB_NAME', 'wordpress'));
define('DB_USER', portique_setting('WORDPRESS_DB_USER', 'wordpress'));
define('DB_PASSWORD', rtrim((string) file_get_contents('/run/wordpress/db-password'), "\r\n"));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');
/* Updates come with a new image (a new conteneurN_tag), never from inside the service. */
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISALLOW_FILE_MODS', true);
