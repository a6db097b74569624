/* graph: the `vstop graph` subcommand (PNG graphs from the RRD files). */
#ifndef VSTOP_GRAPH_H
#define VSTOP_GRAPH_H

int graph_main(int argc, char **argv);

#endif
