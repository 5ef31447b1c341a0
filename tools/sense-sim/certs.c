/*
 * certs: the test PKI of sense-sim, made with OpenSSL's API (no openssl
 * command), and the TLS server context that demands a client certificate
 * signed by it. EC P-256 throughout: key generation and handshakes are
 * cheap, which matters with hundreds of servers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "sim.h"

#define DAY (24L * 3600)
#define ENC_PASSPHRASE "senseops-test"
#define SERVER_SAN "DNS:localhost,IP:127.0.0.1,IP:::1,DNS:*.sense.test"

enum role { R_CA, R_SERVER, R_CLIENT };

/* The last OpenSSL error as text, for messages. */
static const char *ssl_err(void)
{
	static char buf[256];
	unsigned long e = ERR_get_error();

	if (!e)
		return "unknown OpenSSL error";
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (!ext)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/*
 * A certificate for key with common name cn, valid from now + from to
 * now + to seconds, signed by issuer/ikey (NULL: self-signed).
 */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    enum role role, long from, long to)
{
	X509 *x = X509_new();
	BIGNUM *serial = BN_new();
	X509V3_CTX ctx;
	X509_NAME *name;
	int bad = 0;

	if (!x || !serial)
		goto fail;
	/* a random serial: a client that caches certificates never sees two alike */
	bad |= !X509_set_version(x, 2);
	bad |= !BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
	bad |= !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x));
	bad |= !X509_gmtime_adj(X509_getm_notBefore(x), from);
	bad |= !X509_gmtime_adj(X509_getm_notAfter(x), to);
	bad |= !X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	bad |= !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	bad |= !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	if (bad)
		goto fail;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	bad |= add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	/* after the subject key id: a self-signed certificate is its own issuer */
	bad |= add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	switch (role) {
	case R_CA:
		bad |= add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
		bad |= add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case R_SERVER:
		bad |= add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
		bad |= add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
		bad |= add_ext(x, &ctx, NID_ext_key_usage, "serverAuth");
		bad |= add_ext(x, &ctx, NID_subject_alt_name, SERVER_SAN);
		break;
	case R_CLIENT:
		bad |= add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
		bad |= add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
		bad |= add_ext(x, &ctx, NID_ext_key_usage, "clientAuth");
		break;
	}
	if (bad || !X509_sign(x, ikey ? ikey : key, EVP_sha256()))
		goto fail;
	BN_free(serial);
	return x;
fail:
	BN_free(serial);
	X509_free(x);
	return NULL;
}

/* Writes len bytes to dir/name through a temporary file, so a reader never sees half a file. */
static int write_file(const char *dir, const char *name, const char *data, size_t len, mode_t mode)
{
	char path[4096], tmp[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -1;
	/* the umask must not widen or narrow what the file is for */
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail: {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
}

/* PEM of a certificate (key NULL) or a key (passphrase NULL: unencrypted PKCS#8) into dir/name. */
static int write_pem(const char *dir, const char *name, X509 *cert, EVP_PKEY *key, const char *pass)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int ok;

	if (!b)
		return -1;
	if (cert)
		ok = PEM_write_bio_X509(b, cert);
	else if (pass)
		ok = PEM_write_bio_PKCS8PrivateKey(b, key, EVP_aes_256_cbc(), pass, (int)strlen(pass), NULL, NULL);
	else
		ok = PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
	len = BIO_get_mem_data(b, &data);
	if (!ok || len <= 0) {
		log_error("%s/%s: %s", dir, name, ssl_err());
		BIO_free(b);
		return -1;
	}
	if (write_file(dir, name, data, (size_t)len, cert ? 0644 : 0600) != 0) {
		log_error("%s/%s: %s", dir, name, strerror(errno));
		OPENSSL_cleanse(data, (size_t)len);
		BIO_free(b);
		return -1;
	}
	OPENSSL_cleanse(data, (size_t)len);
	BIO_free(b);
	return 0;
}

struct made {
	const char *cert_file, *key_file;
	EVP_PKEY *key;
	X509 *cert;
};

/* Makes and writes one key and certificate; issuer NULL for a root. */
static int make_pair(const char *dir, struct made *m, const char *cn, const struct made *issuer,
    enum role role, long from, long to)
{
	m->key = EVP_EC_gen("P-256");
	if (!m->key) {
		log_error("EC key: %s", ssl_err());
		return -1;
	}
	m->cert = make_cert(m->key, cn, issuer ? issuer->cert : NULL, issuer ? issuer->key : NULL, role, from, to);
	if (!m->cert) {
		log_error("%s: %s", m->cert_file, ssl_err());
		return -1;
	}
	if (write_pem(dir, m->cert_file, m->cert, NULL, NULL) != 0 ||
	    write_pem(dir, m->key_file, NULL, m->key, NULL) != 0)
		return -1;
	return 0;
}

int certs_make(const char *dir)
{
	struct made root = { "root.pem", "root_key.pem", NULL, NULL };
	struct made server = { "server.pem", "server_key.pem", NULL, NULL };
	struct made client = { "client.pem", "client_key.pem", NULL, NULL };
	struct made expired = { "client_expired.pem", "client_expired_key.pem", NULL, NULL };
	struct made oroot = { "other_root.pem", "other_root_key.pem", NULL, NULL };
	struct made oclient = { "other_client.pem", "other_client_key.pem", NULL, NULL };
	struct made oserver = { "other_server.pem", "other_server_key.pem", NULL, NULL };
	struct made *all[] = { &root, &server, &client, &expired, &oroot, &oclient, &oserver };
	int rc = EX_CANTCREAT;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		log_error("%s: %s", dir, strerror(errno));
		return EX_CANTCREAT;
	}
	/* as the QMC names them: root.pem, client.pem, client_key.pem; CN=QlikClient */
	if (make_pair(dir, &root, "sense-sim.test-CA", NULL, R_CA, -DAY, 3650 * DAY) != 0 ||
	    make_pair(dir, &server, "localhost", &root, R_SERVER, -DAY, 825 * DAY) != 0 ||
	    make_pair(dir, &client, "QlikClient", &root, R_CLIENT, -DAY, 825 * DAY) != 0 ||
	    write_pem(dir, "client_key_enc.pem", NULL, client.key, ENC_PASSPHRASE) != 0 ||
	    make_pair(dir, &expired, "QlikClient", &root, R_CLIENT, -400 * DAY, -30 * DAY) != 0 ||
	    make_pair(dir, &oroot, "other.test-CA", NULL, R_CA, -DAY, 3650 * DAY) != 0 ||
	    make_pair(dir, &oclient, "QlikClient", &oroot, R_CLIENT, -DAY, 825 * DAY) != 0 ||
	    make_pair(dir, &oserver, "localhost", &oroot, R_SERVER, -DAY, 825 * DAY) != 0)
		goto out;
	log_info("certificates written to %s", dir);
	rc = EX_OK;
out:
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		X509_free(all[i]->cert);
		EVP_PKEY_free(all[i]->key);
	}
	return rc;
}

SSL_CTX *certs_server_ctx(const char *dir, bool other, char *err, size_t errlen)
{
	char cert[4096], key[4096], ca[4096];
	const char *pfx = other ? "other_" : "";
	STACK_OF(X509_NAME) *names;
	SSL_CTX *ctx;

	if ((size_t)snprintf(cert, sizeof cert, "%s/%sserver.pem", dir, pfx) >= sizeof cert ||
	    (size_t)snprintf(key, sizeof key, "%s/%sserver_key.pem", dir, pfx) >= sizeof key ||
	    (size_t)snprintf(ca, sizeof ca, "%s/root.pem", dir) >= sizeof ca) {
		snprintf(err, errlen, "%s: path too long", dir);
		return NULL;
	}
	const char *files[] = { cert, key, ca };
	for (int i = 0; i < 3; i++) {
		if (access(files[i], R_OK) != 0) {
			snprintf(err, errlen, "%s: %s (sense-sim --make-certs %s writes it)", files[i],
			    strerror(errno), dir);
			return NULL;
		}
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		snprintf(err, errlen, "TLS: %s", ssl_err());
		return NULL;
	}
	const char *what = cert;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	/* idle keep-alive connections need no buffers */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		goto fail;
	what = key;
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	what = ca;
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		goto fail;
	/* name the accepted CA in the CertificateRequest, as Sense does */
	names = SSL_load_client_CA_file(ca);
	if (!names)
		goto fail;
	SSL_CTX_set_client_CA_list(ctx, names);
	/* like Sense: no certificate, or one the test CA did not sign, no connection */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	/* resumed sessions must carry the verified client: needs an id context */
	if (!SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"sense-sim", 9))
		goto fail;
	return ctx;
fail:
	snprintf(err, errlen, "%s: %s", what, ssl_err());
	SSL_CTX_free(ctx);
	return NULL;
}
