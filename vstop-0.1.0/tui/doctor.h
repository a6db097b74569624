/* doctor: `vstop doctor`, the tuning checks sysadmins do by hand on guests and Dom0s. */
#ifndef VSTOP_DOCTOR_H
#define VSTOP_DOCTOR_H

int doctor_main(int argc, char **argv);

#endif
