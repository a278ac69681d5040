/**
 * The read-only files a simulated container shows to `kubectl exec`: enough of nginx's and
 * busybox's images for a learner to look around (`ls /usr/share/nginx/html`,
 * `cat /etc/nginx/nginx.conf`). Nothing is written: files made in a container would be lost on
 * restart anyway, which is what the lesson teaches.
 */
import type { ParsedImage } from '../controllers/image-catalogue.js';

const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_50X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
`;

const NGINX_CONF = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

const NGINX_DEFAULT_CONF = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const DEBIAN_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** Directories every Linux image has (some empty here). */
const BASE_DIRECTORIES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/lib',
  '/usr/share',
  '/var',
  '/var/log',
  '/var/run',
];

export interface ContainerFilesystem {
  /** Absolute path → file content. */
  files: Map<string, string>;
  directories: Set<string>;
}

function build(files: Record<string, string>, directories: string[]): ContainerFilesystem {
  const dirs = new Set(['/', ...BASE_DIRECTORIES, ...directories]);
  for (const path of [...Object.keys(files), ...directories]) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(`/${parts.slice(0, i).join('/')}`);
  }
  return { files: new Map(Object.entries(files)), directories: dirs };
}

export function containerFilesystem(
  image: ParsedImage,
  pod: { hostname: string; podIP: string },
): ContainerFilesystem {
  const common = {
    '/etc/hostname': `${pod.hostname}\n`,
    '/etc/hosts': `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${pod.podIP}\t${pod.hostname}\n`,
    '/etc/resolv.conf':
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    '/var/run/secrets/kubernetes.io/serviceaccount/namespace': 'default',
  };
  if (image.repository.endsWith('nginx')) {
    return build(
      {
        ...common,
        '/etc/os-release': DEBIAN_OS_RELEASE,
        '/etc/nginx/nginx.conf': NGINX_CONF,
        '/etc/nginx/conf.d/default.conf': NGINX_DEFAULT_CONF,
        '/etc/nginx/mime.types':
          'types {\n    text/html                                        html htm shtml;\n    text/css                                         css;\n}\n',
        '/usr/share/nginx/html/index.html': NGINX_INDEX,
        '/usr/share/nginx/html/50x.html': NGINX_50X,
        '/docker-entrypoint.sh': '#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n',
      },
      ['/docker-entrypoint.d', '/var/cache/nginx', '/var/log/nginx', '/etc/nginx/conf.d'],
    );
  }
  return build({ ...common, '/etc/os-release': 'NAME="BusyBox"\n' }, []);
}
