package io.haloconv.spark;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import java.io.Serializable;

/** What the job broadcasts once: the bank and the spec, nothing else. */
public record ConvBroadcast(FilterBank bank, ConvSpec spec) implements Serializable {}
