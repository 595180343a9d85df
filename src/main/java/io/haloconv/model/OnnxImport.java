package io.haloconv.model;

import com.google.protobuf.InvalidProtocolBufferException;
import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFolding;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.model.proto.OnnxProto.AttributeProto;
import io.haloconv.model.proto.OnnxProto.GraphProto;
import io.haloconv.model.proto.OnnxProto.ModelProto;
import io.haloconv.model.proto.OnnxProto.NodeProto;
import io.haloconv.model.proto.OnnxProto.TensorProto;
import io.haloconv.model.proto.OnnxProto.ValueInfoProto;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.EmbeddingPool;
import io.haloconv.stack.Layer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolOp;
import io.haloconv.stack.PoolSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns an ONNX model whose graph is a single chain of 2-D convolutional operators into a {@link
 * LayerStack}: {@code Conv}, with a following {@code BatchNormalization} (inference mode) and
 * {@code Add} of a constant per-channel bias folded into its weights in float64 and rounded once
 * ({@link BankFolding}), and a following {@code Relu}, {@code LeakyRelu}, {@code Sigmoid} or {@code
 * Tanh} as its activation; {@code MaxPool} and {@code AveragePool} as pool layers.
 *
 * <p>The chain starts at the graph's one input and follows each tensor to its one consumer, up to
 * the graph's output or to the node {@code until} names. Anything the core cannot evaluate exactly
 * as ONNX defines it is refused with a one-line {@link IllegalArgumentException} naming the node
 * and its op: another op, a branch (a tensor read by two nodes, a node reading two computed
 * tensors), {@code auto_pad=SAME_LOWER}, {@code ceil_mode=1}, an average pool that leaves padding
 * out of its count, an activation or batch normalisation not directly after a convolution, and any
 * attribute this class does not know.
 */
public final class OnnxImport {
  /** What {@link #read} imports, for messages. */
  static final String SUPPORTED =
      "Conv, BatchNormalization, Add (of a constant bias), Relu, LeakyRelu, Sigmoid, Tanh,"
          + " MaxPool, AveragePool, Pad (before a Conv or AveragePool), GlobalAveragePool and"
          + " GlobalMaxPool (as the last node)";

  private static final Set<String> CONV_ATTRIBUTES =
      Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
  private static final Set<String> MAX_POOL_ATTRIBUTES =
      Set.of(
          "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
  private static final Set<String> AVG_POOL_ATTRIBUTES =
      Set.of(
          "auto_pad",
          "ceil_mode",
          "count_include_pad",
          "dilations",
          "kernel_shape",
          "pads",
          "strides");
  private static final Set<String> BATCH_NORM_ATTRIBUTES =
      Set.of("epsilon", "momentum", "training_mode", "spatial");

  private OnnxImport() {}

  /**
   * Reads a serialized {@code ModelProto}.
   *
   * @param model the bytes of a {@code .onnx} file
   * @param until the name of the last node to import (or of its output), or {@code null} for the
   *     whole graph
   * @param source how the model is named in the manifest (its path)
   */
  public static LayerStack read(byte[] model, String until, String source) {
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(model);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model: " + e.getMessage());
    }
    if (!proto.hasGraph()) {
      throw new IllegalArgumentException("not an ONNX model: it has no graph");
    }
    return new OnnxImport.Walk(proto.getGraph(), until, source).run();
  }

  /** One walk down the chain: the layers so far and the convolution still being folded. */
  private static final class Walk {
    private final GraphProto graph;
    private final String until;
    private final String source;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final List<Layer> layers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private Pending pending;

    /** A Pad node waiting for the Conv or AveragePool it becomes the padding of. */
    private PendingPad pad;

    /** The global pool that ended the chain, if one did. */
    private Embedding embedding;

    Walk(GraphProto graph, String until, String source) {
      this.graph = graph;
      this.until = until;
      this.source = source == null ? "" : source;
    }

    LayerStack run() {
      if (graph.getSparseInitializerCount() > 0) {
        throw new IllegalArgumentException(
            "the model has sparse initializers, which haloconv does not read");
      }
      for (TensorProto t : graph.getInitializerList()) {
        constants.put(t.getName(), t);
      }
      for (NodeProto node : graph.getNodeList()) {
        if (node.getOpType().equals("Constant") && isDefaultDomain(node)) {
          constant(node);
          continue;
        }
        for (String input : node.getInputList()) {
          if (!input.isEmpty()) {
            List<NodeProto> users = consumers.computeIfAbsent(input, k -> new ArrayList<>());
            // identity, not equals: two identical nodes reading one tensor are still two uses
            if (users.stream().noneMatch(u -> u == node)) {
              users.add(node);
            }
          }
        }
      }
      if (until != null && !hasNodeOrOutput(until)) {
        throw new IllegalArgumentException(
            "--onnx-until " + until + ": the model has no node or output named '" + until + "'");
      }
      String current = input();
      Set<String> graphOutputs = new HashSet<>();
      for (ValueInfoProto v : graph.getOutputList()) {
        graphOutputs.add(v.getName());
      }
      boolean reached = false;
      NodeProto previous = null;
      Set<NodeProto> visited = Collections.newSetFromMap(new IdentityHashMap<>());
      while (true) {
        List<NodeProto> users = consumers.getOrDefault(current, List.of());
        if (users.isEmpty()) {
          break;
        }
        // An intermediate graph output is a second use only when the whole graph is imported:
        // with --onnx-until the caller chose which tensor is the result.
        boolean exposed = until == null && graphOutputs.contains(current);
        if (users.size() > 1 || exposed) {
          throw new IllegalArgumentException(
              "the graph is not a single chain: "
                  + describeTensor(current, previous)
                  + " is read by "
                  + (exposed ? "the graph's output and " : "")
                  + describeNodes(users)
                  + "; haloconv imports chains only (use --onnx-until to stop before the branch)");
        }
        NodeProto node = users.get(0);
        if (!visited.add(node)) {
          throw new IllegalArgumentException(
              "the graph has a cycle through " + describe(node) + "; an ONNX graph is acyclic");
        }
        checkInputs(node, current);
        apply(node, previous);
        if (until != null
            && (until.equals(node.getName()) || node.getOutputList().contains(until))) {
          reached = true;
          break;
        }
        previous = node;
        current = node.getOutput(0);
      }
      if (until != null && !reached) {
        throw new IllegalArgumentException(
            "--onnx-until "
                + until
                + ": that node is not on the chain from the graph's input"
                + (previous == null ? "" : " (the chain ends at " + describe(previous) + ")"));
      }
      if (pad != null) {
        throw new IllegalArgumentException(
            describe(pad.node)
                + " ends the chain; haloconv takes a Pad only before a Conv or"
                + " AveragePool");
      }
      flush();
      if (layers.isEmpty()) {
        throw new IllegalArgumentException("the model has no layer haloconv imports");
      }
      return new LayerStack(layers, embedding == null ? null : embedding.pool);
    }

    private boolean hasNodeOrOutput(String name) {
      for (NodeProto node : graph.getNodeList()) {
        if (name.equals(node.getName()) || node.getOutputList().contains(name)) {
          return true;
        }
      }
      return false;
    }

    /** The graph's one input that is not an initializer: the image, N×C×H×W. */
    private String input() {
      List<ValueInfoProto> inputs = new ArrayList<>();
      for (ValueInfoProto v : graph.getInputList()) {
        if (!constants.containsKey(v.getName())) {
          inputs.add(v);
        }
      }
      if (inputs.size() != 1) {
        List<String> list = inputs.stream().map(ValueInfoProto::getName).toList();
        throw new IllegalArgumentException(
            "the graph must have one input (the image), it has " + inputs.size() + " " + list);
      }
      ValueInfoProto in = inputs.get(0);
      if (in.hasType() && in.getType().hasTensorType() && in.getType().getTensorType().hasShape()) {
        int rank = in.getType().getTensorType().getShape().getDimCount();
        if (rank != 4) {
          throw new IllegalArgumentException(
              "the graph's input '" + in.getName() + "' has rank " + rank + ", expected 4 (NCHW)");
        }
      }
      return in.getName();
    }

    private void constant(NodeProto node) {
      for (AttributeProto a : node.getAttributeList()) {
        if (a.getName().equals("value") && a.hasT()) {
          constants.put(node.getOutput(0), a.getT());
          return;
        }
      }
      throw new IllegalArgumentException(
          describe(node) + ": only a Constant with a tensor \"value\" is supported");
    }

    /** Every input besides the chain's tensor must be a constant (weights, bias, statistics). */
    private void checkInputs(NodeProto node, String current) {
      int chain = 0;
      for (String input : node.getInputList()) {
        if (input.equals(current)) {
          chain++;
        } else if (!input.isEmpty() && !constants.containsKey(input)) {
          throw new IllegalArgumentException(
              "the graph is not a single chain: "
                  + describe(node)
                  + " reads '"
                  + input
                  + "', which is neither the chain's tensor '"
                  + current
                  + "' nor a constant");
        }
      }
      if (chain > 1) {
        throw new IllegalArgumentException(
            "the graph is not a single chain: "
                + describe(node)
                + " reads '"
                + current
                + "' twice");
      }
      if (!node.getInputList().isEmpty()
          && !node.getInput(0).equals(current)
          && !node.getOpType().equals("Add")) {
        throw new IllegalArgumentException(
            describe(node) + " reads the chain's tensor '" + current + "' as a weight, not as X");
      }
    }

    private void apply(NodeProto node, NodeProto previous) {
      if (!isDefaultDomain(node)) {
        throw new IllegalArgumentException(
            describe(node) + " is from domain '" + node.getDomain() + "'; " + supported(previous));
      }
      for (int i = 1; i < node.getOutputCount(); i++) {
        if (!node.getOutput(i).isEmpty()) {
          throw new IllegalArgumentException(
              describe(node)
                  + " has a second output '"
                  + node.getOutput(i)
                  + "' ("
                  + (node.getOpType().equals("BatchNormalization")
                      ? "training mode"
                      : "e.g. pool indices")
                  + "), which haloconv does not compute");
        }
      }
      if (embedding != null) {
        throw new IllegalArgumentException(
            describe(node)
                + " follows the global pool "
                + describe(embedding.node)
                + ", which must be the last node (it makes the embeddings); stop there with"
                + " --onnx-until "
                + nameOf(embedding.node));
      }
      if (pad != null
          && !node.getOpType().equals("Conv")
          && !node.getOpType().equals("AveragePool")) {
        throw new IllegalArgumentException(
            describe(pad.node)
                + " is followed by "
                + describe(node)
                + "; haloconv takes a Pad only as the padding of the Conv or AveragePool after it");
      }
      switch (node.getOpType()) {
        case "Conv" -> conv(node);
        case "Pad" -> pad(node);
        case "BatchNormalization" -> batchNorm(node);
        case "Add" -> add(node);
        case "Relu" -> activation(node, Activation.RELU, Set.of());
        case "LeakyRelu" ->
            activation(
                node,
                new Activation(Activation.Kind.LEAKY_RELU, floatAttribute(node, "alpha", 0.01f)),
                Set.of("alpha"));
        case "Sigmoid" -> activation(node, new Activation(Activation.Kind.SIGMOID, 0f), Set.of());
        case "Tanh" -> activation(node, new Activation(Activation.Kind.TANH, 0f), Set.of());
        case "MaxPool" -> pool(node, PoolOp.MAX);
        case "AveragePool" -> pool(node, PoolOp.AVG);
        case "GlobalAveragePool" -> globalPool(node, PoolOp.AVG);
        case "GlobalMaxPool" -> globalPool(node, PoolOp.MAX);
        default ->
            throw new IllegalArgumentException(
                describe(node) + " is not supported; " + supported(previous));
      }
    }

    private String supported(NodeProto previous) {
      return "haloconv imports "
          + SUPPORTED
          + (previous == null ? "" : "; stop before it with --onnx-until " + nameOf(previous));
    }

    private void conv(NodeProto node) {
      flush();
      Map<String, AttributeProto> attributes = attributes(node, CONV_ATTRIBUTES);
      if (node.getInputCount() < 2) {
        throw new IllegalArgumentException(describe(node) + " has no weight input");
      }
      TensorProto w = constants.get(node.getInput(1));
      long[] dims = dims(w);
      if (dims.length != 4) {
        throw new IllegalArgumentException(
            describe(node)
                + ": weight '"
                + w.getName()
                + "' has shape "
                + shape(dims)
                + "; haloconv imports 2-D convolutions (weight rank 4)");
      }
      int k = toInt(dims[0]);
      int c = toInt(dims[1]);
      int kh = toInt(dims[2]);
      int kw = toInt(dims[3]);
      int[] kernel = ints(node, attributes, "kernel_shape", null);
      if (kernel != null && (kernel.length != 2 || kernel[0] != kh || kernel[1] != kw)) {
        throw new IllegalArgumentException(
            describe(node)
                + ": kernel_shape "
                + Arrays.toString(kernel)
                + " does not match the weight's "
                + shape(dims));
      }
      double[] weight = values(w, node);
      double[] bias = null;
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        TensorProto b = constants.get(node.getInput(2));
        bias = values(b, node);
        if (bias.length != k) {
          throw new IllegalArgumentException(
              describe(node)
                  + ": bias '"
                  + b.getName()
                  + "' has shape "
                  + shape(dims(b))
                  + ", expected ("
                  + k
                  + ")");
        }
      }
      int[] stride = ints(node, attributes, "strides", new int[] {1, 1});
      int[] dilation = ints(node, attributes, "dilations", new int[] {1, 1});
      int groups = (int) intAttribute(node, attributes, "group", 1);
      Padding padding = padding(node, attributes);
      PaddingMode mode = PaddingMode.ZEROS;
      if (pad != null) {
        mode = pad.mode;
        padding = combine(node, padding, pad);
        pad = null;
      }
      try {
        ConvSpec.Builder spec =
            ConvSpec.builder(kh, kw)
                .stride(stride[0], stride[1])
                .dilation(dilation[0], dilation[1])
                .groups(groups)
                .padding(padding)
                .paddingMode(mode);
        pending =
            new Pending(node, BankFolding.of(k, c, kh, kw, weight, bias), spec, Activation.NONE);
        spec.build(); // checks the values now, so the message names this node
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(describe(node) + ": " + e.getMessage(), e);
      }
    }

    private void batchNorm(NodeProto node) {
      Map<String, AttributeProto> attributes = attributes(node, BATCH_NORM_ATTRIBUTES);
      if (intAttribute(node, attributes, "training_mode", 0) != 0) {
        throw new IllegalArgumentException(
            describe(node) + ": training_mode=1 is not supported; export the model in eval mode");
      }
      if (intAttribute(node, attributes, "spatial", 1) != 1) {
        throw new IllegalArgumentException(
            describe(node) + ": spatial=0 (statistics per pixel) is not supported");
      }
      requireFoldable(node);
      if (node.getInputCount() != 5) {
        throw new IllegalArgumentException(
            describe(node)
                + " needs 5 inputs (X, scale, B, mean, var), has "
                + node.getInputCount());
      }
      double epsilon = floatAttribute(node, "epsilon", 1e-5f);
      double[][] v = new double[4][];
      String[] what = {"scale", "B", "mean", "var"};
      for (int i = 0; i < 4; i++) {
        v[i] = perChannel(node, node.getInput(i + 1), what[i]);
      }
      try {
        pending.bank.batchNorm(v[0], v[1], v[2], v[3], epsilon);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(describe(node) + ": " + e.getMessage(), e);
      }
    }

    private void add(NodeProto node) {
      attributes(node, Set.of());
      requireFoldable(node);
      pending.bank.addBias(bias(node, otherInput(node)));
    }

    private String otherInput(NodeProto node) {
      for (String input : node.getInputList()) {
        if (constants.containsKey(input)) {
          return input;
        }
      }
      throw new IllegalArgumentException(describe(node) + " adds no constant");
    }

    /** A batch normalisation or bias folds only into the convolution right before it. */
    private void requireFoldable(NodeProto node) {
      if (pending == null) {
        throw new IllegalArgumentException(
            describe(node)
                + " does not follow a Conv; haloconv folds "
                + node.getOpType()
                + " only into the Conv right before it");
      }
      if (pending.activation.kind() != Activation.Kind.NONE) {
        throw new IllegalArgumentException(
            describe(node)
                + " follows the activation of "
                + describe(pending.node)
                + "; haloconv folds "
                + node.getOpType()
                + " only into a Conv before its activation");
      }
    }

    private void activation(NodeProto node, Activation activation, Set<String> allowed) {
      attributes(node, allowed);
      if (pending == null) {
        throw new IllegalArgumentException(
            describe(node)
                + " does not follow a Conv; haloconv applies activations only as part of a conv"
                + " layer");
      }
      if (pending.activation.kind() != Activation.Kind.NONE) {
        throw new IllegalArgumentException(
            describe(node) + " follows another activation; a conv layer has one");
      }
      pending = new Pending(pending.node, pending.bank, pending.spec, activation);
    }

    /** A global pool ends the chain: the stack's embeddings, one vector per image. */
    private void globalPool(NodeProto node, PoolOp op) {
      flush();
      attributes(node, Set.of());
      if (layers.isEmpty()) {
        throw new IllegalArgumentException(
            describe(node) + " has no conv or pool layer before it; haloconv pools a layer's map");
      }
      embedding = new Embedding(node, EmbeddingPool.global(layerName(node), op));
    }

    private void pool(NodeProto node, PoolOp op) {
      flush();
      Map<String, AttributeProto> attributes =
          attributes(node, op == PoolOp.MAX ? MAX_POOL_ATTRIBUTES : AVG_POOL_ATTRIBUTES);
      int[] kernel = ints(node, attributes, "kernel_shape", null);
      if (kernel == null || kernel.length != 2) {
        throw new IllegalArgumentException(
            describe(node) + " needs a 2-D kernel_shape (haloconv imports 2-D pools)");
      }
      if (intAttribute(node, attributes, "ceil_mode", 0) != 0) {
        throw new IllegalArgumentException(
            describe(node)
                + ": ceil_mode=1 is not supported; haloconv's pools round the output size down"
                + " (ceil_mode=0)");
      }
      int[] dilation = ints(node, attributes, "dilations", new int[] {1, 1});
      if (dilation[0] != 1 || dilation[1] != 1) {
        throw new IllegalArgumentException(
            describe(node)
                + ": dilations "
                + Arrays.toString(dilation)
                + " are not supported; haloconv's pools have dilation 1");
      }
      // ONNX pools default to stride 1, not to the kernel size as PyTorch's do.
      int[] stride = ints(node, attributes, "strides", new int[] {1, 1});
      Padding padding = padding(node, attributes);
      if (op == PoolOp.AVG && pad != null) {
        if (pad.mode != PaddingMode.ZEROS || !padding.equals(Padding.VALID)) {
          throw new IllegalArgumentException(
              describe(pad.node)
                  + " before "
                  + describe(node)
                  + " pads with "
                  + (pad.mode != PaddingMode.ZEROS
                      ? pad.mode.cliName()
                      : "zeros, and the pool" + " pads too")
                  + "; haloconv's average pool takes a Pad only of zeros and only when it has no"
                  + " pads of its own");
        }
        // Zeros from a Pad are real inputs the pool counts: count_include_pad=1's semantics.
        padding = pad.padding;
        pad = null;
      } else if (op == PoolOp.AVG
          && intAttribute(node, attributes, "count_include_pad", 0) == 0
          && !padding.equals(Padding.VALID)) {
        throw new IllegalArgumentException(
            describe(node)
                + ": count_include_pad=0 with padding is not supported; haloconv's average pool"
                + " counts padding (count_include_pad=1)");
      }
      try {
        layers.add(
            new PoolLayer(
                layerName(node),
                new PoolSpec(op, kernel[0], kernel[1], stride[0], stride[1], padding),
                false));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(describe(node) + ": " + e.getMessage(), e);
      }
    }

    /** Pad: its amounts and mode become the padding of the Conv or AveragePool after it. */
    private void pad(NodeProto node) {
      flush();
      Map<String, AttributeProto> attributes = attributes(node, Set.of("mode", "pads", "value"));
      String modeName =
          attributes.containsKey("mode")
              ? attributes.get("mode").getS().toStringUtf8()
              : "constant";
      PaddingMode mode =
          switch (modeName) {
            case "constant" -> PaddingMode.ZEROS;
            case "reflect" -> PaddingMode.REFLECT;
            case "edge" -> PaddingMode.REPLICATE;
            case "wrap" -> PaddingMode.CIRCULAR;
            default ->
                throw new IllegalArgumentException(
                    describe(node) + ": mode '" + modeName + "' is not supported");
          };
      long[] pads;
      if (attributes.containsKey("pads")) { // opset < 11
        pads = attributes.get("pads").getIntsList().stream().mapToLong(Long::longValue).toArray();
      } else if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
        pads = integers(constant(node, node.getInput(1), "pads"), node);
      } else {
        throw new IllegalArgumentException(describe(node) + " has no pads");
      }
      double value = attributes.containsKey("value") ? attributes.get("value").getF() : 0;
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        double[] v = values(constant(node, node.getInput(2), "constant_value"), node);
        value = v.length == 1 ? v[0] : Double.NaN;
      }
      if (mode == PaddingMode.ZEROS && value != 0) {
        throw new IllegalArgumentException(
            describe(node)
                + ": constant padding with "
                + value
                + " is not supported; haloconv"
                + " pads with zeros (or reflect, edge, wrap)");
      }
      if (node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
        throw new IllegalArgumentException(describe(node) + ": the axes input is not supported");
      }
      // [N, C, H, W] begins, then [N, C, H, W] ends
      if (pads.length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
        throw new IllegalArgumentException(
            describe(node)
                + ": pads "
                + Arrays.toString(pads)
                + " must pad only height and width of N×C×H×W");
      }
      for (long v : pads) {
        if (v < 0 || v > (1 << 16)) {
          throw new IllegalArgumentException(
              describe(node)
                  + ": pads "
                  + Arrays.toString(pads)
                  + " must be in [0, 65536] (a negative pad crops)");
        }
      }
      pad =
          new PendingPad(
              node,
              new Padding.Explicit((int) pads[2], (int) pads[6], (int) pads[3], (int) pads[7]),
              mode);
    }

    /** A Pad's amounts plus the Conv's own (zeros only: two modes cannot mix). */
    private Padding combine(NodeProto node, Padding own, PendingPad before) {
      if (own.equals(Padding.VALID)) {
        return before.padding;
      }
      if (before.mode != PaddingMode.ZEROS || !(own instanceof Padding.Explicit e)) {
        throw new IllegalArgumentException(
            describe(before.node)
                + " pads with "
                + before.mode.cliName()
                + " and "
                + describe(node)
                + " pads again; haloconv gives a conv layer one padding");
      }
      Padding.Explicit p = before.padding;
      return new Padding.Explicit(
          p.top() + e.top(), p.bottom() + e.bottom(), p.left() + e.left(), p.right() + e.right());
    }

    private Padding padding(NodeProto node, Map<String, AttributeProto> attributes) {
      String autoPad = "NOTSET";
      if (attributes.containsKey("auto_pad")) {
        autoPad = attributes.get("auto_pad").getS().toStringUtf8();
      }
      switch (autoPad) {
        case "NOTSET":
          int[] pads = ints(node, attributes, "pads", new int[] {0, 0, 0, 0});
          if (pads.length != 4) {
            throw new IllegalArgumentException(
                describe(node)
                    + ": pads must have 4 values for a 2-D op, got "
                    + Arrays.toString(pads));
          }
          // ONNX orders pads as [top, left, bottom, right] (all begins, then all ends).
          try {
            return new Padding.Explicit(pads[0], pads[2], pads[1], pads[3]);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(node) + ": " + e.getMessage(), e);
          }
        case "VALID":
          return Padding.VALID;
        case "SAME_UPPER":
          // ONNX's SAME_UPPER is TensorFlow's "same": the odd pixel goes after.
          return Padding.SAME;
        case "SAME_LOWER":
          throw new IllegalArgumentException(
              describe(node)
                  + ": auto_pad=SAME_LOWER is not supported; haloconv's \"same\" puts the odd"
                  + " padding pixel after (SAME_UPPER)");
        default:
          throw new IllegalArgumentException(
              describe(node)
                  + ": auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '"
                  + autoPad
                  + "'");
      }
    }

    private void flush() {
      if (pending == null) {
        return;
      }
      Pending p = pending;
      pending = null;
      try {
        layers.add(
            new ConvLayer(
                layerName(p.node),
                source.isEmpty() ? p.node.getName() : source + "#" + p.node.getName(),
                p.bank.build(),
                p.spec.activation(p.activation).build(),
                false));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(describe(p.node) + ": " + e.getMessage(), e);
      }
    }

    /**
     * A valid, unique layer name from the node's: {@code /conv1/Conv} becomes {@code conv1_Conv}.
     */
    private String layerName(NodeProto node) {
      String raw = node.getName().isEmpty() ? node.getOpType() : node.getName();
      String name = raw.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^[^A-Za-z]+", "");
      name = name.replaceAll("_+$", "");
      if (name.isEmpty()) {
        name = "layer";
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("true") || lower.equals("false") || lower.equals("null")) {
        name = name + "_";
      }
      name = name.length() > 60 ? name.substring(0, 60) : name;
      String unique = name;
      for (int i = 2; !names.add(unique.toLowerCase(Locale.ROOT)); i++) {
        unique = name + "_" + i;
      }
      return unique;
    }

    private Map<String, AttributeProto> attributes(NodeProto node, Set<String> allowed) {
      Map<String, AttributeProto> map = new LinkedHashMap<>();
      for (AttributeProto a : node.getAttributeList()) {
        if (!allowed.contains(a.getName())) {
          throw new IllegalArgumentException(
              describe(node)
                  + " has attribute '"
                  + a.getName()
                  + "', which haloconv does not know");
        }
        map.put(a.getName(), a);
      }
      return map;
    }

    private static long intAttribute(
        NodeProto node, Map<String, AttributeProto> attributes, String name, long fallback) {
      AttributeProto a = attributes.get(name);
      return a == null ? fallback : a.getI();
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
      for (AttributeProto a : node.getAttributeList()) {
        if (a.getName().equals(name)) {
          return a.getF();
        }
      }
      return fallback;
    }

    private int[] ints(
        NodeProto node, Map<String, AttributeProto> attributes, String name, int[] fallback) {
      AttributeProto a = attributes.get(name);
      if (a == null) {
        return fallback;
      }
      int[] out = new int[a.getIntsCount()];
      for (int i = 0; i < out.length; i++) {
        long v = a.getInts(i);
        if (v < 0 || v > (1 << 16)) {
          throw new IllegalArgumentException(
              describe(node) + ": " + name + " value " + v + " is out of range [0, 65536]");
        }
        out[i] = (int) v;
      }
      if (fallback != null && out.length != fallback.length) {
        throw new IllegalArgumentException(
            describe(node)
                + ": "
                + name
                + " must have "
                + fallback.length
                + " values for a 2-D op,"
                + " got "
                + Arrays.toString(out));
      }
      return out;
    }

    /** A batch normalisation's statistic or parameter: shape (K), one per filter. */
    private double[] perChannel(NodeProto node, String name, String what) {
      TensorProto t = constant(node, name, what);
      long[] dims = dims(t);
      int k = pending.bank.filters();
      if (dims.length != 1 || dims[0] != k) {
        throw new IllegalArgumentException(
            describe(node)
                + ": "
                + what
                + " '"
                + name
                + "' has shape "
                + shape(dims)
                + ", expected ("
                + k
                + ",) for the "
                + k
                + " filters of "
                + describe(pending.node));
      }
      return values(t, node);
    }

    /**
     * An added constant that broadcasts against N×K×H×W as a bias: (1, K, 1, 1), (K, 1, 1), or a
     * single value. (K,) alone would broadcast along the width, not the channels.
     */
    private double[] bias(NodeProto node, String name) {
      TensorProto t = constant(node, name, "the added constant");
      long[] dims = dims(t);
      int k = pending.bank.filters();
      double[] values = values(t, node);
      if (values.length == 1 && dims.length <= 4) {
        double[] all = new double[k];
        Arrays.fill(all, values[0]);
        return all;
      }
      int r = dims.length;
      boolean channel =
          r >= 3
              && r <= 4
              && dims[r - 3] == k
              && dims[r - 2] == 1
              && dims[r - 1] == 1
              && (r == 3 || dims[0] == 1);
      if (!channel) {
        throw new IllegalArgumentException(
            describe(node)
                + ": the added constant '"
                + name
                + "' has shape "
                + shape(dims)
                + "; a bias for the "
                + k
                + " filters of "
                + describe(pending.node)
                + " has shape (1, "
                + k
                + ", 1, 1), ("
                + k
                + ", 1, 1) or one value");
      }
      return values;
    }

    private TensorProto constant(NodeProto node, String name, String what) {
      TensorProto t = constants.get(name);
      if (t == null) {
        throw new IllegalArgumentException(describe(node) + ": " + what + " is not a constant");
      }
      return t;
    }

    private static long[] dims(TensorProto t) {
      long[] dims = new long[t.getDimsCount()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = t.getDims(i);
      }
      return dims;
    }

    /** A float or double constant, exactly, as float64. */
    private static double[] values(TensorProto t, NodeProto node) {
      String where = describe(node) + ": tensor '" + t.getName() + "'";
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        throw new IllegalArgumentException(
            where + " is stored outside the model file; save the model with its weights inside");
      }
      long count = 1;
      for (long d : dims(t)) {
        if (d < 0) {
          throw new IllegalArgumentException(where + " has a negative dimension");
        }
        count *= d;
        if (count > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException(where + " is too large");
        }
      }
      int n = (int) count;
      double[] out = new double[n];
      int type = t.getDataType();
      ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      boolean hasRaw = !t.getRawData().isEmpty();
      if (type == TensorProto.DataType.FLOAT_VALUE) {
        int have = hasRaw ? raw.remaining() / 4 : t.getFloatDataCount();
        if (have != n || (hasRaw && raw.remaining() != 4L * n)) {
          throw new IllegalArgumentException(
              where + " has " + have + " values, its shape " + shape(dims(t)) + " needs " + n);
        }
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? raw.getFloat() : t.getFloatData(i);
        }
      } else if (type == TensorProto.DataType.DOUBLE_VALUE) {
        int have = hasRaw ? raw.remaining() / 8 : t.getDoubleDataCount();
        if (have != n || (hasRaw && raw.remaining() != 8L * n)) {
          throw new IllegalArgumentException(
              where + " has " + have + " values, its shape " + shape(dims(t)) + " needs " + n);
        }
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? raw.getDouble() : t.getDoubleData(i);
        }
      } else {
        String name;
        TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
        name = dt == null ? Integer.toString(type) : dt.name();
        throw new IllegalArgumentException(
            where + " has data type " + name + "; haloconv reads FLOAT and DOUBLE weights");
      }
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(out[i])) {
          throw new IllegalArgumentException(where + " value " + i + " is " + out[i]);
        }
      }
      return out;
    }

    /** An INT64 or INT32 constant (Pad's pads). */
    private static long[] integers(TensorProto t, NodeProto node) {
      String where = describe(node) + ": tensor '" + t.getName() + "'";
      ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      boolean hasRaw = !t.getRawData().isEmpty();
      if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
        long[] out = new long[hasRaw ? raw.remaining() / 8 : t.getInt64DataCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = hasRaw ? raw.getLong() : t.getInt64Data(i);
        }
        return out;
      }
      if (t.getDataType() == TensorProto.DataType.INT32_VALUE) {
        long[] out = new long[hasRaw ? raw.remaining() / 4 : t.getInt32DataCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = hasRaw ? raw.getInt() : t.getInt32Data(i);
        }
        return out;
      }
      throw new IllegalArgumentException(where + " must be INT64");
    }

    private static int toInt(long v) {
      if (v < 1 || v > (1 << 20)) {
        throw new IllegalArgumentException("weight dimension " + v + " is out of range");
      }
      return (int) v;
    }

    private static String shape(long[] dims) {
      StringBuilder s = new StringBuilder("(");
      for (int i = 0; i < dims.length; i++) {
        s.append(i == 0 ? "" : ", ").append(dims[i]);
      }
      return s.append(dims.length == 1 ? ",)" : ")").toString();
    }

    private static boolean isDefaultDomain(NodeProto node) {
      return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    private String describeTensor(String tensor, NodeProto producer) {
      return producer == null
          ? "the graph's input '" + tensor + "'"
          : "'" + tensor + "' (the output of " + describe(producer) + ")";
    }

    private static String describeNodes(List<NodeProto> nodes) {
      List<String> list = new ArrayList<>();
      for (NodeProto n : nodes) {
        list.add(describe(n));
      }
      return String.join(" and ", list);
    }

    private static String nameOf(NodeProto node) {
      return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
    }

    static String describe(NodeProto node) {
      return "node "
          + (node.getName().isEmpty() ? "(unnamed)" : node.getName())
          + " ("
          + node.getOpType()
          + ")";
    }
  }

  /** A Pad node's amounts and mode. */
  private record Embedding(NodeProto node, EmbeddingPool pool) {}

  private record PendingPad(NodeProto node, Padding.Explicit padding, PaddingMode mode) {}

  /** The convolution being folded: its node, its bank in float64, its spec and activation. */
  private record Pending(
      NodeProto node, BankFolding bank, ConvSpec.Builder spec, Activation activation) {}
}
