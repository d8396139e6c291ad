/* container.h — logs kept by a container runtime, unwrapped into plain lines.
 *
 * Four wrappings, each an unwrapping filter for the reader (reader.h):
 *   docker json-file   {"log":"<line>\n","stream":"stdout","time":"<RFC 3339>"}
 *   Kubernetes CRI     <RFC 3339> stdout|stderr F|P <line>
 *   docker compose     <name> | [<RFC 3339> ]<line>   (`docker compose logs [-t]`)
 *   docker logs -t     <RFC 3339> <line>, the line stamped again by its daemon
 * The pieces of a long message (docker's lines without "\n", CRI's P) are
 * joined. The inner line is given the runtime's stamp when it has none or
 * a year-less one (an absolute stamp of its own is kept); a compose
 * container's name gives the line a program tag when it has none and the
 * name contains a daemon's (a name such as "mailcow-dovecot-1"). */
#ifndef MS_CONTAINER_H
#define MS_CONTAINER_H

#include <stddef.h>

#include "input/reader.h"

extern const ms_unwrap_ops ms_unwrap_docker_json;
extern const ms_unwrap_ops ms_unwrap_cri;
extern const ms_unwrap_ops ms_unwrap_compose;
extern const ms_unwrap_ops ms_unwrap_stamped;

/* The wrapping of one line of a container log, or NULL. */
const ms_unwrap_ops *ms_container_detect(const char *line, size_t len);

#endif
