/* The parts every golayout/1 document shares: its head and how addresses
 * are spelled. */
#include <stdio.h>

#include "doc/doc.h"

json_t *gl_json_addr(uint64_t addr)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)addr);
	return json_string(buf);
}

void gl_json_set_addr(json_t *o, const char *key, uint64_t addr)
{
	json_object_set_new(o, key, gl_json_addr(addr));
}

void gl_json_set_uint(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

json_t *gl_doc_new(struct gl_ctx *c, const char *kind, const char *type, bool has_addr,
		   uint64_t addr)
{
	json_t *d = json_object();
	if (!d)
		return NULL;
	json_object_set_new(d, "schema", json_string("golayout/1"));
	json_object_set_new(d, "kind", json_string(kind));
	json_object_set_new(d, "type", type ? gl_json_text(type) : json_null());
	json_object_set_new(d, "address", has_addr ? gl_json_addr(addr) : json_null());
	json_object_set_new(d, "go_version", c->t ? json_string(c->t->go_version) : json_null());
	return d;
}
