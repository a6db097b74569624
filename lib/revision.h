#define VSTOP_REVISION "f06edda1dc39"
